# ruff: noqa: E501
"""Orvanne Agrotech SAS (Angers, FR): Sillon T3 and T4 autonomous vineyard tractors, Nuee D2
spraying drone, ParcelleIQ agronomy planner. House style: "Safety report ORV-SR-yy-nn",
closing sentence "Orvanne Agrotech will keep its customers and the competent authorities
informed as the investigation progresses." """

from company_streams.common import rep, system

DEV = "Orvanne Agrotech SAS"
CLOSE = (
    "Orvanne Agrotech will keep its customers and the competent authorities informed as the "
    "investigation progresses."
)

# fmt: off
EVENTS = [
    # O1: T3 brushes a seasonal worker at Domaine des Ormeaux (same site as O4, three weeks apart)
    [
        rep(
            "developer", "2025-02-11", "2025-02-11",
            system("Sillon T3", "nav 2.8.0", DEV, "Domaine des Ormeaux"),
            ["FR"], "agriculture", ["physical_injury"],
            "ORV-SR-25-02: Sillon T3 contact with pruning worker, customer estate near Chinon",
            f"""Safety report ORV-SR-25-02. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: Sillon T3 autonomous vineyard tractor, navigation software 2.8.0.
            Description: on 11 February 2025 at about 09:40 CET, a Sillon T3 working in
            row-follow mode on a customer estate near Chinon brushed against a seasonal worker
            who was pruning in the adjacent row. The worker stepped back into the tractor's path
            at the end of a row, where the machine turns across two rows. The lidar detected
            the person but the turn manoeuvre had already been committed. The worker was treated
            for bruising to the hip and thigh. Immediate measures: the end-of-row turn now
            re-checks the safety field before each arc; customers were asked to keep pruning
            crews one row clear of the machine. {CLOSE}""",
        ),
        rep(
            "deployer", "2025-02-11", "2025-02-12",
            system("tracteur autonome Orvanne", None, "Orvanne", "Domaine des Ormeaux"),
            ["FR"], "agriculture", ["physical_injury"],
            "Accident du travail: salarié saisonnier heurté par le tracteur autonome, parcelle Les Puys",
            """Domaine des Ormeaux, Cravant-les-Côteaux. Mardi matin, un de nos tailleurs
            saisonniers, M. Teodor Vlasceanu, a été touché à la hanche par le tracteur
            autonome qui faisait demi-tour en bout de rang sur la parcelle Les Puys. Il a vu
            le médecin du travail à Chinon et a reçu un arrêt de cinq jours. Déclaration
            d'accident du travail faite à la MSA. Le fournisseur dit que la machine l'avait
            vu mais trop tard pour s'arrêter. Nous avons suspendu le travail autonome pendant
            la taille jusqu'à la mise à jour.""",
        ),
        rep(
            "affected_party", "2025-02-10", "2025-02-10",
            system(None, None, None, "Ormeaux"),
            ["FR"], "employment", ["physical_injury", "economic_property"],
            "I was hit by a driverless tractor while pruning",
            """I am a seasonal worker from Romania, pruning vines at a domaine near Chinon
            this winter. The robot tractor came round at the end of the row and hit me on the
            side, I fell in the mud and my hip is black now. Nobody explained to us how the
            machine turns. The doctor gave me five days off but the agency says they will not
            pay the days because I was 'in the wrong place'. I want to know who is responsible.
            Teodor V., phone +33 6 39 98 01 22""",
        ),
        rep(
            "journalist", "2025-02-11", "2025-02-18",
            system(None, None, "Orvanne Agrotech", "Domaine des Ormeaux"),
            ["FR"], "agriculture", ["physical_injury"],
            "Driverless tractors in the Loire vineyards: first injury reported",
            """A seasonal vine pruner was injured last week when an autonomous tractor turned
            into him at the Domaine des Ormeaux, one of a handful of Touraine estates trialling
            the machines. The man, a Romanian agency worker, was bruised and off work for five
            days. The tractors, built by Angers start-up Orvanne Agrotech, drive themselves
            down the rows mowing and spraying. Orvanne said a software change had been pushed
            to all machines within days. The farmworkers' union CFDT-Agri wants crews kept
            away from the machines entirely.""",
            references=["https://www.lanouvelletouraine.example/economie/2025/02/18/tracteur-autonome-blesse"],
        ),
    ],
    # O2: Nuee D2 spray drift onto an organic neighbour near Cognac
    [
        rep(
            "developer", "2025-03-19", "2025-03-20",
            system("Nuée D2", "flight 1.6.3", DEV, "EARL Moussard"),
            ["FR"], "agriculture", ["environmental", "economic_property"],
            "ORV-SR-25-04: Nuée D2 spray drift beyond treatment boundary, Charente",
            f"""Safety report ORV-SR-25-04. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: Nuée D2 spraying drone, flight software 1.6.3. Description: on
            19 March 2025 a Nuée D2 operated by a customer near Cognac applied a copper-based
            fungicide along the eastern edge of its treatment zone while the crosswind exceeded
            the 4 m/s limit. The wind estimate is derived from the drone's own attitude and was
            under-reading by roughly 40% in gusts. Drift reached an adjacent certified organic
            plot over a width of about 15 m. No persons were exposed. Immediate measures:
            spraying now aborts when the ground station anemometer and the onboard estimate
            disagree; buffer zone increased to 20 m by default. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-03-18", "2025-03-27",
            system("drone", None, None, "Moussard"),
            ["FR"], "agriculture", ["economic_property"],
            "Neighbour's spraying drone contaminated my organic vines",
            """My vines at Saint-Brice have been organic certified since 2019. On the
            evening of the 18th or the 19th (I was away, my son saw it) the neighbour's drone
            sprayed along our boundary in a strong wind. The certifier took leaf samples and
            found copper levels above what we applied ourselves, so the three rows nearest the
            boundary will probably be declassified for this vintage. That is about 0.4 hectare
            of cognac grapes. The neighbour says the drone is supposed to stop itself in wind.
            Jacqueline Bourdillat""",
        ),
        rep(
            "journalist", "2025-03-19", "2025-04-02",
            system("Nuee D-2", None, "Orvanne", None),
            ["FR"], "agriculture", ["environmental"],
            "Spray-drone drift dispute divides Charente neighbours",
            """Agricultural drones have been allowed to spray vineyards in France only under
            trial permits, and a case near Cognac shows why neighbours are nervous. An organic
            grower in Saint-Brice says a drone flown by the farm next door let copper fungicide
            drift onto her vines on 19 March in gusty weather. The drone's maker, Orvanne, has
            acknowledged that its wind estimate read too low and has updated the software.
            The regional agriculture directorate is reviewing the trial permit.""",
            references=["https://charente-libre-hebdo.example/agri/2025/04/02/drone-derive-cuivre"],
        ),
    ],
    # O3: T4 overturns on slope
    [
        rep(
            "developer", "2025-04-08", "2025-04-08",
            system("Sillon T4", "nav 3.0.1", DEV, "Château Pradelle"),
            ["FR"], "agriculture", ["economic_property"],
            "ORV-SR-25-05: Sillon T4 rollover on terraced slope, Bergerac area",
            f"""Safety report ORV-SR-25-05. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: Sillon T4, navigation software 3.0.1. Description: on 8 April 2025 a
            Sillon T4 overturned onto its side while crossing between two terraces on a customer
            estate near Bergerac. Nobody was near the machine. The slope map used for path
            planning had been recorded before the customer re-graded the access ramp, and the
            T4 chose a crossing that was steeper than its 22% lateral limit. The tractor and a
            trailed sprayer were damaged beyond economic repair. Immediate measures: the T4
            now refuses a crossing when its inclinometer exceeds the planned value by 5 points.
            {CLOSE}""",
        ),
    ],
    # O4: T3 at Domaine des Ormeaux again, different injury three weeks later
    [
        rep(
            "developer", "2025-03-05", "2025-03-06",
            system("Sillon T3", "nav 2.8.1", DEV, "Domaine des Ormeaux"),
            ["FR"], "agriculture", ["physical_injury"],
            "ORV-SR-25-03: Sillon T3 mower deck injury after restart, customer estate near Chinon",
            f"""Safety report ORV-SR-25-03. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: Sillon T3 with inter-row mower deck, navigation software 2.8.1.
            Description: on 5 March 2025 a vineyard employee at a customer estate near Chinon
            cleared a fallen post that had stopped a Sillon T3 and signalled the machine to
            resume from the handheld remote while still standing beside the offset mower deck.
            The deck, which sits outside the lidar's protective field, engaged on restart and
            struck the employee's right foot, causing a deep cut. This is not a recurrence of
            ORV-SR-25-02 at the same estate: different mode, different part of the machine.
            Immediate measures: the remote resume now requires a 10-second clear zone check of
            the deck camera. {CLOSE}""",
        ),
    ],
    # O5: ParcelleIQ fungicide dosing error, crop loss
    [
        rep(
            "developer", "2025-06-14", "2025-06-20",
            system("ParcelleIQ", "2025.5", DEV, "Coopérative Val-de-Layon"),
            ["FR"], "agriculture", ["economic_property", "environmental"],
            "ORV-SR-25-07: ParcelleIQ under-dosed mildew programme for cooperative members",
            f"""Safety report ORV-SR-25-07. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: ParcelleIQ agronomy planner, release 2025.5. Description: between 2 and
            14 June 2025 the mildew model in ParcelleIQ used rainfall from a weather station
            that had been moved 9 km by its operator without a change of coordinates. For about
            60 members of a cooperative in the Layon valley, the planner recommended extending
            spray intervals during a wet spell. Downy mildew outbreaks were confirmed on
            14 June on roughly 300 ha; some growers then over-treated in response. Immediate
            measures: station positions are now validated against the network registry each
            night. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-06-12", "2025-06-24",
            system("logiciel de la coopé", None, None, None),
            ["FR"], "agriculture", ["economic_property"],
            "Lost a third of my chenin to mildew after following the app's advice",
            """I farm 9 hectares of chenin near Beaulieu-sur-Layon. The coop's planning app
            said on 2 June to wait ten days before the next treatment because rainfall was
            low. It rained almost every day. When I walked the rows on the 12th the oil spots
            were everywhere and some bunches were already grey. I treated twice in a week after
            that, which cost more than the normal programme, and I still expect to lose about a
            third. I trusted the tool because the coop recommended it. Hervé Chauvigné""",
        ),
        rep(
            "deployer", "2025-06-13", "2025-06-16",
            system("Parcelle IQ", None, "Orvanne", "Coopérative Val-de-Layon"),
            ["FR"], "agriculture", ["economic_property"],
            "Mildew outbreak on members' plots after planner advice to delay treatment",
            """Coopérative Val-de-Layon, technical service. From Friday 13 June our advisers
            received calls from members in Rochefort-sur-Loire, Beaulieu and Saint-Aubin about
            mildew on leaves and first bunches. All had followed the planner's advice to delay
            the second June treatment. We estimate losses of 20 to 35% on the worst plots and
            have asked the supplier for an explanation and compensation. Members are now told
            to ignore the tool's spray dates until further notice.""",
        ),
        rep(
            "journalist", "2025-06-14", "2025-07-08",
            system(None, None, "Orvanne Agrotech", "Val-de-Layon cooperative"),
            ["FR"], "agriculture", ["economic_property"],
            "Anjou growers count cost of faulty spray advice",
            """Wine growers in the Layon valley are seeking compensation after a digital
            farming tool told them to wait before spraying against downy mildew during the wet
            first half of June. The cooperative that rolled the tool out to its members says
            about 300 hectares were hit. The software's developer blamed a weather station that
            had been moved without its location being updated and said it now checks every
            station's position. Insurers are unlikely to cover the losses, the cooperative
            said, because the outbreak is classed as a management error.""",
            references=["https://www.vitiouest.example/2025/07/08/layon-mildiou-outil-numerique"],
        ),
    ],
    # O6: Nuee D2 crash into greenhouse
    [
        rep(
            "developer", "2025-07-01", "2025-07-01",
            system("Nuée D2", "flight 1.7.0", DEV, "GAEC des Trois Chênes"),
            ["FR"], "agriculture", ["economic_property"],
            "ORV-SR-25-08: Nuée D2 loss of link and descent onto greenhouse, Maine-et-Loire",
            f"""Safety report ORV-SR-25-08. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: Nuée D2, flight software 1.7.0. Description: on 1 July 2025 a Nuée D2
            lost its command link over a customer's holding near Angers and executed the
            return-to-home procedure at the altitude of its last waypoint, 6 m, which was below
            the ridge of a polytunnel complex built after the home point was recorded. The
            drone struck the roof, tore about 40 m² of film and fell inside; there was no fire
            and no one was inside. Immediate measures: return-to-home climbs to 25 m before
            turning. {CLOSE}""",
        ),
    ],
    # O7: Nuee D2 over a road, cyclist exposed; with a follow-up months later
    [
        rep(
            "developer", "2025-07-22", "2025-07-22",
            system("Nuée D2", "flight 1.7.0", DEV, "Domaine Aubrac-Lesueur"),
            ["FR"], "agriculture", ["physical_injury"],
            "ORV-SR-25-09: Nuée D2 spraying over public road, cyclist exposed, near Saumur",
            f"""Safety report ORV-SR-25-09. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: Nuée D2, flight software 1.7.0. Description: on 22 July 2025 at about
            07:15 CEST, a Nuée D2 treating a customer's vines near Saumur continued spraying for
            roughly 3 seconds while crossing a departmental road between two blocks. A passing
            cyclist was exposed and reported eye and skin irritation; she was seen by a doctor
            the same day. The spray-off command at block boundaries depends on the field
            polygon, and the polygon supplied for this customer ran across the road.
            Immediate measures: flights are suspended where a field polygon intersects a road in
            the national road layer. Status: investigation open. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-07-22", "2025-07-23",
            system("crop-spraying drone", None, None, None),
            ["FR"], "agriculture", ["physical_injury", "psychological"],
            "Sprayed by a drone while cycling on the D947",
            """Yesterday morning I was cycling to work on the road between Souzay and
            Parnay when a drone flew low over me and I felt a wet mist on my face and arms. My
            eyes burned for hours. I went to the GP in Saumur, who rinsed them and wrote it up.
            I do not know what the product was and the farm will not tell me. I am worried
            about what I breathed in. I am filing this because the drone should not be allowed
            over a road. Maëlle Rousset, maelle.rousset@courriel.example""",
        ),
        rep(
            "developer", "2025-07-22", "2025-11-17",
            system("Nuée D2", "flight 1.7.0 / 1.8.2", DEV, "Domaine Aubrac-Lesueur"),
            ["FR"], "agriculture", ["physical_injury"],
            "ORV-SR-25-09 final: road-crossing exposure near Saumur, root cause and closure",
            f"""Safety report ORV-SR-25-09, final report. Orvanne Agrotech SAS, Quality &
            Safety, Angers. This closes the report on the cyclist exposed to spray on
            22 July 2025 near Saumur. New findings: the customer's field polygon had been
            imported from a land-registry parcel that legally includes the road verge and
            carriageway; 31 other customer polygons had the same defect. The product was a
            sulphur-based fungicide; the cyclist's symptoms resolved within a week according to
            her physician. Corrective action completed: flight software 1.8.2 clips every
            polygon against the road layer and nozzles are closed whenever the drone is within
            5 m of a road. Status: closed. {CLOSE}""",
        ),
    ],
    # O8: T4 leaves geofence onto public road
    [
        rep(
            "developer", "2025-09-09", "2025-09-10",
            system("Sillon T4", "nav 3.2.0", DEV, "Maison Hérault-Dupin"),
            ["FR"], "agriculture", ["economic_property"],
            "ORV-SR-25-11: Sillon T4 exits geofence and enters ditch, Marne",
            f"""Safety report ORV-SR-25-11. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: Sillon T4, navigation software 3.2.0. Description: during the night of
            8 to 9 September 2025 a Sillon T4 on a customer's plot near Épernay lost its RTK
            correction signal while the base station rebooted after an update and continued on
            dead reckoning for 140 m, leaving the plot through a gap in the hedge and stopping
            in a roadside ditch. No vehicle was on the road; the tractor's front axle and a
            culvert were damaged. Immediate measures: the T4 stops if RTK is lost for more than
            5 seconds. {CLOSE}""",
        ),
    ],
    # O9: Nuee D2 drift near a school
    [
        rep(
            "developer", "2025-10-03", "2025-10-03",
            system("Nuée D2", "flight 1.8.0", DEV, "Château Pradelle"),
            ["FR"], "agriculture", ["environmental", "public_interest"],
            "ORV-SR-25-12: Nuée D2 treatment near school grounds outside permitted hours",
            f"""Safety report ORV-SR-25-12. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: Nuée D2, flight software 1.8.0. Description: on 3 October 2025 a customer
            near Bergerac scheduled a Nuée D2 treatment on a plot 45 m from a primary school.
            The planner's exclusion rule for schools applies only on school days, and the
            school calendar imported for the Dordogne listed 3 October as a holiday in error.
            The treatment ran at 10:30 while children were in the playground; the mayor's office
            was alerted by parents. No health effects have been reported to us. This event is
            separate from the drift case ORV-SR-25-04. {CLOSE}""",
        ),
    ],
    # O10: ParcelleIQ frost protection misfire
    [
        rep(
            "developer", "2026-01-20", "2026-01-22",
            system("ParcelleIQ", "2026.1", DEV, None),
            ["FR"], "agriculture", ["economic_property"],
            "ORV-SR-26-01: ParcelleIQ frost alerts not sent after time-zone change",
            f"""Safety report ORV-SR-26-01. Orvanne Agrotech SAS, Quality & Safety, Angers.
            Product: ParcelleIQ, release 2026.1. Description: on the night of 19 to
            20 January 2026 the frost-protection module of ParcelleIQ did not send start
            alerts for wind machines and heaters to 14 customers in Burgundy and Champagne.
            The alerts were scheduled in UTC after a refactoring and fired one hour late, after
            the temperature minimum. Damage is limited to young vines in nurseries, estimated
            at EUR 90,000 across customers. Immediate measures: release 2026.1.1 restored local
            time scheduling; a second alert path by SMS is being added. {CLOSE}""",
        ),
    ],
]
# fmt: on
