# ruff: noqa: E501
"""Fjellvind Drones AS (Bodo, NO): Lomvi X1 and X2 delivery drones, Lomvi Dock, RouteLoft
flight planning. Customers are health trusts, pharmacies and shops on the coast. House style:
"Occurrence report FVD-OR-yy/nn", closing sentence "Fjellvind Drones shares this report in the
interest of safer skies; it is not an admission of liability." """

from company_streams.common import rep, system

DEV = "Fjellvind Drones AS"
CLOSE = (
    "Fjellvind Drones shares this report in the interest of safer skies; it is not an admission "
    "of liability."
)

# fmt: off
EVENTS = [
    # D1: Lomvi X1 icing, ditched at sea with lab samples (Lofoten)
    [
        rep(
            "developer", "2025-01-22", "2025-01-22",
            system("Lomvi X1", "autopilot 7.3", DEV, "Helse Nordkyst HF"),
            ["NO"], "transport", ["economic_property", "public_interest"],
            "FVD-OR-25/01 Lomvi X1 ditched in sea after airframe icing, Vestfjorden",
            f"""Occurrence report FVD-OR-25/01. Fjellvind Drones AS, Flight Safety Office,
            Bodø. Aircraft: Lomvi X1, autopilot 7.3. Operator customer: a regional health trust.
            On 22 January 2025 at 13:52 local time, a Lomvi X1 carrying laboratory samples from
            a health centre in Lofoten to the hospital laboratory in Bodø lost altitude over
            Vestfjorden and ditched. Telemetry shows rotor icing in freezing drizzle that the
            onboard weather-risk model had classified as 'light precipitation, no icing' because
            the outside-air sensor read 2 °C too high. The aircraft and 46 blood and urine
            samples were lost; patients had to be re-sampled. Actions: winter flights require
            a ground-observed temperature below the icing threshold margin. {CLOSE}""",
        ),
        rep(
            "deployer", "2025-01-22", "2025-01-23",
            system("drone service", None, "Fjellvind", "Helse Nordkyst"),
            ["NO"], "health", ["public_interest"],
            "Lost drone shipment of patient samples from Lofoten",
            """Helse Nordkyst, laboratory medicine. The sample shipment sent by drone from
            the health centre on Wednesday afternoon never arrived; the supplier reported that
            the drone had gone into the sea. 46 samples from 31 patients were lost, including
            two urgent samples for suspected sepsis, which were re-taken and sent by the evening
            ferry, delaying results by about seven hours. No patient harm has been identified so
            far. The drone route is suspended until spring.""",
        ),
        rep(
            "institute", "2025-01-21", "2025-02-05",
            system("Lomvi", None, "Fjellvind Drones", None),
            ["NO"], "transport", ["economic_property"],
            "Loss of unmanned aircraft in icing conditions, specific category operation",
            """Summary of an occurrence notified to the civil aviation authority. An unmanned
            aircraft in the specific category, on a beyond-visual-line-of-sight medical cargo
            flight over water in northern Norway, encountered icing and was lost at sea. The
            operator's automated go/no-go assessment relied on a single onboard temperature
            sensor. No third parties were endangered. The authority has asked the operator to
            revise its operational risk assessment for winter operations before flights resume.""",
        ),
        rep(
            "journalist", "2025-01-22", "2025-01-24",
            system("medisindrone", None, "Fjellvind Drones", "Nordkyst"),
            ["NO"], "health", ["public_interest", "economic_property"],
            "Drone carrying patient samples lost in Vestfjorden",
            """A drone carrying blood tests from Lofoten to the hospital in Bodø went into the
            sea on Wednesday, and patients had to give new samples. The regional health trust
            has run drone deliveries across Vestfjorden since last autumn to avoid waiting for
            the ferry. The operator, Fjellvind Drones, said ice had formed on the rotors in
            freezing drizzle and that its automatic weather check had not recognised the
            conditions. Winter flights on the route are on hold.""",
            references=["https://www.lofotposten-nett.example/2025/01/24/drone-prover-havet"],
        ),
    ],
    # D2: Lomvi X2 drops a parcel onto a car in Harstad
    [
        rep(
            "developer", "2025-02-28", "2025-03-03",
            system("Lomvi X2", "autopilot 8.0", DEV, "Butikk Nord AS"),
            ["NO"], "transport", ["economic_property"],
            "FVD-OR-25/02 Lomvi X2 released parcel over car park instead of delivery point",
            f"""Occurrence report FVD-OR-25/02. Fjellvind Drones AS, Flight Safety Office,
            Bodø. Aircraft: Lomvi X2, autopilot 8.0. Operator customer: a grocery delivery
            company. On 28 February 2025 in Harstad a Lomvi X2 lowered a 2.3 kg grocery parcel
            onto the roof of a parked car about 30 m from the customer's garden. The
            landing-zone recognition model matched a snow-covered car roof to the stored image of
            the customer's snow-covered lawn. The car's roof was dented. Actions: a minimum
            match confidence and a GNSS distance check of 5 m are now both required before
            release. {CLOSE}""",
        ),
    ],
    # D3: near miss with air ambulance near Bodo (hazard)
    [
        rep(
            "developer", "2025-04-11", "2025-04-11",
            system("Lomvi X1", "autopilot 7.5", DEV, "Helse Nordkyst HF"),
            ["NO"], "transport", ["physical_injury"],
            "FVD-OR-25/03 Lomvi X1 loss of separation with air ambulance helicopter near Bodø",
            f"""Occurrence report FVD-OR-25/03. Fjellvind Drones AS, Flight Safety Office,
            Bodø. Aircraft: Lomvi X1, autopilot 7.5. On 11 April 2025 at 10:17, a Lomvi X1
            approaching the hospital pad in Bodø came within about 150 m horizontally and 40 m
            vertically of an air ambulance helicopter departing the same pad. The detect-and-avoid
            function received the helicopter's transponder signal but the avoidance model
            predicted a climb-out to the west, and the helicopter turned east. The helicopter
            crew saw the drone and levelled off. No contact, no injuries. Actions: drone
            approaches are now held whenever the hospital pad is active. {CLOSE}""",
            event_class="ai_hazard",
        ),
        rep(
            "institute", "2025-04-11", "2025-04-25",
            system("Lomvi X-1", None, "Fjellvind", None),
            ["NO"], "transport", ["physical_injury"],
            "Airprox between cargo drone and helicopter emergency medical service at hospital helipad",
            """The accident investigation board has opened an investigation into a serious
            incident at a hospital helipad in Nordland, where an unmanned cargo aircraft
            approaching to land and an ambulance helicopter taking off came into close
            proximity. The drone's automated traffic-avoidance system was active. The board
            will examine how the drone's route and the helicopter's departure were coordinated
            and whether the airspace arrangements around hospital helipads are adequate for
            mixed traffic.""",
            event_class="serious_ai_incident",
        ),
        rep(
            "journalist", "2025-04-12", "2025-04-14",
            system(None, None, "Fjellvind Drones", "Nordkyst health trust"),
            ["NO"], "health", ["public_interest"],
            "Air ambulance pilots alarmed after close call with hospital drone",
            """Pilots of the air ambulance in Bodø have asked for drone flights at the
            hospital to be stopped after a helicopter and a delivery drone came close on Friday
            morning. 'We saw it late. It was at our altitude,' one crew member told us. The
            drone carries laboratory samples for the regional health trust and is run by a
            local company, Fjellvind Drones, which said its system had 'misjudged the
            helicopter's direction' and that flights near the pad are now paused when the
            helicopter is active.""",
            references=["https://www.nordlandsposten.example/2025/04/14/luftambulanse-drone-nestenulykke"],
        ),
    ],
    # D4: RouteLoft plans flights through a temporary restricted area in Tromso
    [
        rep(
            "developer", "2025-05-06", "2025-05-08",
            system("RouteLoft", "3.1", DEV, "Butikk Nord AS"),
            ["NO"], "transport", ["public_interest"],
            "FVD-OR-25/04 RouteLoft ignored temporary restricted area, Tromsø",
            f"""Occurrence report FVD-OR-25/04. Fjellvind Drones AS, Flight Safety Office,
            Bodø. System: RouteLoft flight planning 3.1. On 6 May 2025, 11 delivery flights in
            Tromsø were planned and flown through a temporary restricted area established for a
            state visit. RouteLoft reads restrictions from the aeronautical information feed,
            and the notice had been published with a new area type code that RouteLoft
            discarded as unknown. Police reported the flights. No aircraft was endangered.
            Actions: unknown area types are now treated as prohibited until reviewed. {CLOSE}""",
        ),
    ],
    # D5: Lomvi Dock door closes on pharmacy worker's hand, Svolvaer (same site as D7)
    [
        rep(
            "developer", "2025-06-19", "2025-06-20",
            system("Lomvi Dock", "2.2", DEV, "Lofoten Apotek"),
            ["NO"], "health", ["physical_injury"],
            "FVD-OR-25/05 Lomvi Dock lid closed on employee's hand, pharmacy in Svolvær",
            f"""Occurrence report FVD-OR-25/05. Fjellvind Drones AS, Flight Safety Office,
            Bodø. Equipment: Lomvi Dock 2.2 (rooftop landing and parcel dock). On 19 June 2025
            at a pharmacy customer in Svolvær, the dock lid closed while an employee was
            removing a parcel, trapping her left hand. The occupancy camera's model did not
            recognise the hand against the dock's reflective floor in bright midnight-sun
            conditions. The employee suffered two fractured fingers. Actions: lid closing now
            requires the light curtain to be clear as well as the camera. {CLOSE}""",
        ),
    ],
    # D6: Lomvi X2 crash in a garden in Alesund, child hurt
    [
        rep(
            "developer", "2025-07-08", "2025-07-09",
            system("Lomvi X2", "autopilot 8.2", DEV, "Sunnmøre Apotekdrift AS"),
            ["NO"], "transport", ["physical_injury"],
            "FVD-OR-25/06 Lomvi X2 forced landing in residential garden, child injured, Ålesund",
            f"""Occurrence report FVD-OR-25/06. Fjellvind Drones AS, Flight Safety Office,
            Bodø. Aircraft: Lomvi X2, autopilot 8.2. On 8 July 2025 at 16:25, a Lomvi X2
            delivering prescription medicines for a pharmacy customer in Ålesund detected a
            motor fault and the emergency-landing model selected a nearby garden as the safest
            open area. A child playing in the garden, hidden under a trampoline net, was not
            detected, and was hit by the descending drone. She suffered cuts to her arm from a
            propeller guard. Actions: emergency landing now prefers roofs and water where
            available; people-detection training data extended. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-07-08", "2025-07-10",
            system(None, None, None, "apoteket"),
            ["NO"], "households", ["physical_injury", "psychological"],
            "A delivery drone fell into our garden and hurt my daughter",
            """Tuesday afternoon in Hessa, Ålesund. My daughter (6) was playing under the
            trampoline when a drone came down very fast into the garden and hit her arm. She
            needed seven stitches at the emergency clinic. She is now afraid to play outside and
            asks every time she hears a buzzing sound. The drone had a pharmacy logo on it.
            Nobody from the company came until the evening. I would like to know why a drone
            is flying over houses with children. Kristoffer Vik, +47 400 00 114""",
        ),
        rep(
            "journalist", "2025-07-08", "2025-07-11",
            system("Lomvi X2", None, "Fjellvind", "Sunnmøre Apotekdrift"),
            ["NO"], "transport", ["physical_injury"],
            "Girl hurt as pharmacy drone crash-lands in Ålesund garden",
            """A six-year-old girl was injured when a drone delivering medicines made an
            emergency landing in a family garden in Ålesund on Tuesday. She was treated for cuts.
            The drone, operated for a pharmacy chain by Fjellvind Drones from Bodø, had a motor
            fault and chose the garden to land. The civil aviation authority said it had been
            notified and would look into how such landing sites are chosen. Home deliveries by
            drone in Ålesund have been suspended.""",
            references=["https://www.sunnmorsavisa.example/nyheter/2025/07/11/drone-hage-jente"],
        ),
        rep(
            "deployer", "2025-07-08", "2025-07-08",
            system("Lomvi", None, "Fjellvind", "Sunnmøre Apotekdrift AS"),
            ["NO"], "health", ["physical_injury"],
            "Drone delivery suspended after emergency landing injured a child",
            """Sunnmøre Apotekdrift. One of our prescription deliveries by drone ended today
            in an emergency landing in a private garden in Hessa, in which a young child was
            hurt. Our pharmacist visited the family this evening. The medicines, for another
            customer, were recovered intact. We have suspended all drone deliveries until the
            supplier's investigation is complete.""",
        ),
    ],
    # D7: propeller injury during battery swap at the same Svolvaer pharmacy, six weeks later
    [
        rep(
            "developer", "2025-08-01", "2025-08-04",
            system("Lomvi X2", "autopilot 8.3", DEV, "Lofoten Apotek"),
            ["NO"], "health", ["physical_injury"],
            "FVD-OR-25/07 Motor start during battery exchange, technician injured, Svolvær",
            f"""Occurrence report FVD-OR-25/07. Fjellvind Drones AS, Flight Safety Office,
            Bodø. Aircraft: Lomvi X2, autopilot 8.3. On 1 August 2025, on the dock of the same
            pharmacy customer in Svolvær as FVD-OR-25/05, a pharmacy technician was exchanging
            a battery when the drone received a dispatch command, ran its pre-flight motor test
            and cut the technician's index finger with a propeller. The automated dispatcher
            did not know a person was at the dock because the maintenance switch is only read
            at dock level, not by the aircraft. Actions: dispatch is blocked while the dock is in
            maintenance mode. This is a separate occurrence from FVD-OR-25/05. {CLOSE}""",
        ),
    ],
    # D8: Lomvi X1 return flight stampedes a reindeer herd; follow-up later
    [
        rep(
            "developer", "2025-09-23", "2025-09-26",
            system("Lomvi X1", "autopilot 7.8", DEV, "Helse Nordkyst HF"),
            ["NO"], "transport", ["economic_property"],
            "FVD-OR-25/08 Low return flight over reindeer herd, Finnmark",
            f"""Occurrence report FVD-OR-25/08. Fjellvind Drones AS, Flight Safety Office,
            Bodø. Aircraft: Lomvi X1, autopilot 7.8. On 23 September 2025 a Lomvi X1
            returning empty from a health centre in Finnmark diverted around a rain cell and
            descended to 60 m above terrain over a reindeer gathering area, where herders were
            moving about 900 animals. The herd scattered; a herder reported animals lost and
            injured. The diversion planner did not use the seasonal reindeer-husbandry layer we
            had agreed with the herding district. Actions: the layer is now a hard constraint
            for all diversions. Investigation ongoing. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-09-22", "2025-09-24",
            system(None, None, None, None),
            ["NO"], "agriculture", ["economic_property"],
            "Drone scattered our herd during autumn gathering",
            """We were bringing the herd down towards the gathering fence west of Karasjok
            when a drone came low over the ridge. The animals panicked and ran in all
            directions. Three days of work gone. We have found two calves dead in a ravine and
            are still missing around forty animals. We agreed with the health trust's drone
            company last year that they stay away from this area in September. Ánde Somby
            Gaup, reindeer herding district 16""",
        ),
        rep(
            "developer", "2025-09-23", "2026-01-15",
            system("Lomvi X1", "autopilot 7.8 / 8.0", DEV, "Helse Nordkyst HF"),
            ["NO"], "transport", ["economic_property"],
            "FVD-OR-25/08 concluding report: reindeer herd disturbance, Finnmark",
            f"""Occurrence report FVD-OR-25/08, concluding report. Fjellvind Drones AS, Flight
            Safety Office, Bodø. Update to our September report on the herd scattered during
            autumn gathering in Finnmark. Findings: the husbandry layer had been loaded, but
            its validity dates were stored as day-month and read as month-day, so the September
            restriction was treated as inactive. The herding district's final count is 4 animals
            dead and 27 not recovered; compensation has been agreed with the district. All
            date fields in map layers are now ISO-formatted and validated. {CLOSE}""",
        ),
    ],
    # D9: RouteLoft wind misreading delays defibrillator delivery (death)
    [
        rep(
            "developer", "2025-11-04", "2025-11-10",
            system("RouteLoft", "3.4", DEV, "Helse Nordkyst HF"),
            ["NO"], "health", ["physical_death"],
            "FVD-OR-25/09 Delayed defibrillator delivery after wind limit misread, Molde area",
            f"""Occurrence report FVD-OR-25/09. Fjellvind Drones AS, Flight Safety Office,
            Bodø. System: RouteLoft 3.4 with Lomvi X2 (defibrillator variant). On 4 November
            2025 an emergency dispatch centre requested a drone-borne defibrillator for a
            cardiac arrest on an island near Molde. RouteLoft refused the direct route because
            it read the gust forecast in knots as metres per second and planned a detour that
            added 11 minutes. The defibrillator arrived after the ambulance boat; the patient,
            a man in his sixties, died. Whether an earlier shock would have changed the outcome
            cannot be known. Actions: unit handling corrected in 3.4.1; all weather inputs
            carry explicit units. {CLOSE}""",
            event_class="serious_ai_incident",
        ),
    ],
    # D10: Lomvi X2 obstacle-camera footage retained and viewed
    [
        rep(
            "developer", "2026-02-17", "2026-02-19",
            system("Lomvi X2", "autopilot 8.6", DEV, None),
            ["NO"], "transport", ["human_fundamental_rights"],
            "FVD-OR-26/01 Obstacle-camera footage of private gardens retained beyond policy",
            f"""Occurrence report FVD-OR-26/01. Fjellvind Drones AS, Flight Safety Office,
            Bodø. Aircraft: Lomvi X2, autopilot 8.6. On 17 February 2026 we found that
            downward obstacle-camera footage, which should be deleted after each flight unless
            an occurrence is flagged, had been kept since October 2025 for all flights, in order
            to train the landing-zone model, and had been viewed by two contractors labelling
            gardens and balconies. About 14,000 flights are concerned. Actions: the footage has
            been deleted except 12 flagged occurrences; the Data Protection Authority was
            notified. {CLOSE}""",
        ),
    ],
]
# fmt: on
