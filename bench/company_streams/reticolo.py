# ruff: noqa: E501, RUF001
"""Reticolo Analytics S.r.l. (Milan, IT): Prisma Load 2 and 3 load forecasting for grid
operators, TermoCasa smart-thermostat controller, Flessa flexibility dispatcher (EV charging,
heat pumps, home batteries). House style: "Incident communication RA-yyyy/nnn", closing
sentence "Reticolo Analytics continues to cooperate fully with the network operators and
authorities concerned." G2 and G3 are a near-identical pair of boilerplate notices about two
different forecast deviations."""

from company_streams.common import rep, system

DEV = "Reticolo Analytics S.r.l."
CLOSE = (
    "Reticolo Analytics continues to cooperate fully with the network operators and "
    "authorities concerned."
)

# fmt: off
EVENTS = [
    # G1: TermoCasa overnight heating shut-off in a cold snap, South Tyrol
    [
        rep(
            "developer", "2025-01-09", "2025-01-10",
            system("TermoCasa", "fw 5.1.0", DEV, "EnerAlpi Servizi S.p.A."),
            ["IT"], "energy", ["physical_injury", "economic_property"],
            "RA-2025/001 TermoCasa thermostats held night setback until morning, Alto Adige",
            f"""Incident communication RA-2025/001. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: TermoCasa smart-thermostat controller, firmware 5.1.0.
            Facts: in the night of 8 to 9 January 2025, about 4,100 TermoCasa units supplied
            through an energy retailer in the province of Bolzano kept the night setback of
            10 °C instead of resuming comfort temperature at 06:00, until the morning of
            9 January. The learning scheduler, which predicts when occupants wake up, returned
            an empty schedule after the retailer's app update changed the time-zone field. An
            elderly customer in Merano was treated in hospital for mild hypothermia. Measures:
            fallback to the last valid schedule; minimum setback raised to 14 °C. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-01-08", "2025-01-11",
            system("Thermostat TermoKasa", None, None, "EnerAlpi"),
            ["IT"], "energy", ["physical_injury", "psychological"],
            "Mein Vater lag nach einer Nacht ohne Heizung unterkühlt im Krankenhaus",
            """Mein Vater (84) wohnt allein in Meran, Obermais. Am Donnerstagmorgen habe ich
            ihn um halb neun in der Küche gefunden, die Wohnung hatte noch 11 Grad, draußen
            waren es minus sieben. Er war verwirrt und sehr kalt und kam ins Krankenhaus Meran,
            Diagnose leichte Unterkühlung. Das 'intelligente' Thermostat, das uns der Stromanbieter
            letztes Jahr eingebaut hat, hatte die Heizung einfach nicht wieder eingeschaltet. Die
            Hotline sagte, es habe 'ein Update-Problem' gegeben. Niemand hat uns gewarnt.
            Veronika Gruber-Pichler, Tel. 0473 000 219""",
        ),
        rep(
            "deployer", "2025-01-09", "2025-01-09",
            system("TermoCasa", "5.1", "Reticolo", "EnerAlpi Servizi"),
            ["IT"], "energy", ["economic_property"],
            "Smart thermostats failed to resume heating after night setback – customer impact",
            """EnerAlpi Servizi, customer operations. On the morning of 9 January our call
            centre received over 900 calls from customers whose homes were cold. The thermostat
            units we lease to customers had stayed in night mode. We restored heating remotely
            by 11:30 using a manual override from the supplier. We are crediting every affected
            customer EUR 30 and covering the cost of any burst pipes. We have been told of one
            customer taken to hospital.""",
        ),
        rep(
            "journalist", "2025-01-09", "2025-01-13",
            system(None, None, "Reticolo Analytics", "EnerAlpi"),
            ["IT"], "households", ["physical_injury"],
            "Cold homes in South Tyrol after smart thermostat glitch",
            """Thousands of households in South Tyrol woke up to cold homes last Thursday
            after their internet-connected thermostats failed to switch the heating back on, in
            one of the coldest nights of the winter. An 84-year-old man in Merano was taken to
            hospital. The thermostats are rented out by the regional retailer EnerAlpi and run
            software from Milan-based Reticolo Analytics, which blamed a change to a time
            setting. Consumer group Verbraucherzentrale Südtirol is collecting complaints.""",
            references=["https://www.dolomitenblatt.example/wirtschaft/2025/01/13/thermostat-panne"],
        ),
    ],
    # G2: Prisma Load 3 forecast deviation, Basilicata operator (near-identical to G3)
    [
        rep(
            "developer", "2025-02-14", "2025-02-17",
            system("Prisma Load", "3.2", DEV, "Rete Lucana Energia S.p.A."),
            ["IT"], "energy", ["economic_property"],
            "RA-2025/003 Prisma Load 3 day-ahead forecast deviation above contractual threshold",
            f"""Incident communication RA-2025/003. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: Prisma Load, version 3.2, day-ahead load forecasting.
            Facts: on 14 February 2025 the day-ahead forecast delivered to a distribution
            system operator customer in Basilicata deviated from metered load by more than the
            contractual threshold of 6% for 9 consecutive hours, with a peak deviation of
            14.2% (about 38 MW) at 19:00. The customer incurred imbalance charges. Preliminary
            cause: the temperature feature used an observation station that was offline, and
            the model substituted the seasonal average. Measures: station outages now trigger
            an alert and a fallback to a neighbouring station. This communication is issued
            under our contractual incident-notification procedure. {CLOSE}""",
        ),
    ],
    # G3: Prisma Load 3 forecast deviation, Lombardy operator (different event, same boilerplate)
    [
        rep(
            "developer", "2025-02-27", "2025-03-03",
            system("Prisma Load", "3.2", DEV, "Multiservizi Valle Olona S.p.A."),
            ["IT"], "energy", ["economic_property"],
            "RA-2025/004 Prisma Load 3 day-ahead forecast deviation above contractual threshold",
            f"""Incident communication RA-2025/004. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: Prisma Load, version 3.2, day-ahead load forecasting.
            Facts: on 27 February 2025 the day-ahead forecast delivered to a distribution
            system operator customer in Lombardy deviated from metered load by more than the
            contractual threshold of 6% for 5 consecutive hours, with a peak deviation of 9.8%
            (about 21 MW) at 08:00. The customer incurred imbalance charges. Preliminary cause:
            the calendar feature treated a local school holiday as a working day. Measures:
            regional school calendars are now imported for every customer area. This
            communication is issued under our contractual incident-notification procedure.
            {CLOSE}""",
        ),
        rep(
            "deployer", "2025-02-27", "2025-02-28",
            system("Prisma", "3", "Reticolo", "Multiservizi Valle Olona"),
            ["IT"], "energy", ["economic_property"],
            "Morning forecast miss on 27 February: school holiday not in the model",
            """Multiservizi Valle Olona, network dispatching. Thursday morning the load in our
            area around Legnano and Castellanza came in well under the forecast from 06:00 to
            11:00, about 20 MW at worst. It was the first day of the local carnival school
            holiday, which the forecasting service did not know about. We paid roughly
            EUR 18,000 in imbalance charges and have asked the vendor to include school
            calendars; they say this is now done.""",
        ),
    ],
    # G4: Flessa DST bug, all EVs charge at once, transformer trips in Pesaro
    [
        rep(
            "developer", "2025-03-30", "2025-03-31",
            system("Flessa", "1.4", DEV, "Adriatica Smart Energy S.r.l."),
            ["IT"], "energy", ["economic_property", "public_interest"],
            "RA-2025/005 Flessa synchronised EV charging after clock change, transformer trip",
            f"""Incident communication RA-2025/005. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: Flessa flexibility dispatcher, version 1.4, smart EV
            charging. Facts: at 02:00 on 30 March 2025, when clocks moved forward, Flessa
            re-computed the charging plans of 312 wallboxes managed by a customer in Pesaro and,
            through an error in handling the skipped hour, started all of them at full power in
            the same minute. A secondary substation feeding a residential district tripped on
            overload, leaving about 1,600 households without power for 2 hours 10 minutes.
            Measures: randomised start offsets are now enforced and a feeder-level power cap
            applies regardless of schedule. {CLOSE}""",
        ),
        rep(
            "deployer", "2025-03-30", "2025-04-01",
            system("Flessa smart charging platform", None, "Reticolo", "Adriatica Smart Energy"),
            ["IT"], "energy", ["economic_property"],
            "Night-time outage in Pesaro caused by simultaneous start of managed wallboxes",
            """Adriatica Smart Energy, operations. The local network operator informed us on
            Sunday morning that the outage in the Villa Fastiggi and Case Bruciate area during
            the night had been caused by a load surge from electric-vehicle chargers. Our
            monitoring confirms that all wallboxes on our managed-charging contract in that area
            started at 02:00. We have moved customers to unmanaged charging until the supplier
            confirms a fix and will compensate any customer whose car was not charged.""",
        ),
        rep(
            "affected_party", "2025-03-29", "2025-04-04",
            system(None, None, None, None),
            ["IT"], "households", ["economic_property"],
            "Power cut overnight damaged my freezer and medical device charger",
            """We lost power in our street in Pesaro in the middle of the night between
            Saturday and Sunday, the night the clocks changed. My husband uses a home
            ventilator at night and it switched to battery, which luckily lasted. In the morning
            the freezer had defrosted and the charger of the ventilator no longer works. The
            neighbour who works for the electricity company says it was 'the cars charging all
            together'. I want to know who pays. Graziella Montanari, graziella.m@postaweb.example""",
        ),
    ],
    # G5: Flessa curtails a dialysis clinic's chillers
    [
        rep(
            "developer", "2025-05-12", "2025-05-14",
            system("Flessa", "1.6", DEV, "Sarda Flex S.r.l."),
            ["IT"], "energy", ["public_interest", "economic_property"],
            "RA-2025/006 Flessa curtailed cooling at a healthcare site enrolled by mistake",
            f"""Incident communication RA-2025/006. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: Flessa, version 1.6, demand-response dispatch. Facts: on
            12 May 2025 Flessa sent curtailment signals during a grid-stress event to all
            assets of an aggregator customer in Cagliari, including the chillers of a private
            dialysis clinic that had been enrolled under a commercial-building category. The
            clinic's treatment rooms rose above 28 °C and 14 afternoon sessions were postponed
            to the next day. Measures: healthcare sites are excluded unless the asset owner
            gives explicit consent; the aggregator has re-categorised its assets. {CLOSE}""",
        ),
    ],
    # G6: TermoCasa eco-mode caps cooling in a heatwave, social housing in Bologna
    [
        rep(
            "developer", "2025-07-16", "2025-07-21",
            system("TermoCasa", "fw 5.4.2", DEV, "Casa Comune Bologna"),
            ["IT"], "energy", ["physical_injury"],
            "RA-2025/008 TermoCasa eco mode limited air conditioning during heatwave",
            f"""Incident communication RA-2025/008. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: TermoCasa, firmware 5.4.2, cooling 'eco mode'. Facts:
            during the heatwave of 14 to 18 July 2025, TermoCasa units installed by a social
            housing landlord in Bologna kept indoor setpoints at 29 °C or above, because the
            landlord's energy-saving profile capped cooling and tenants could not override it
            from the wall unit. On 16 July a tenant aged 79 fainted at home and was admitted to
            hospital with heat exhaustion. Measures: tenants can now always lower the setpoint
            to 26 °C; eco caps are lifted automatically on heat-alert days. {CLOSE}""",
        ),
        rep(
            "deployer", "2025-07-16", "2025-07-17",
            system("termostati TermoCasa", None, "Reticolo Analytics", "Casa Comune Bologna"),
            ["IT"], "real_estate", ["physical_injury"],
            "Tenant hospitalised during heatwave; thermostat energy profile under review",
            """Casa Comune Bologna, asset management. Yesterday the family of a tenant in our
            Via del Pratello building told us that she had been taken to hospital for heat
            exhaustion. The flat's air conditioning was running but limited by the energy-saving
            profile we applied to all 1,200 flats in our efficiency programme. We did not intend
            tenants to be unable to override it. We have removed the profile in all flats today
            and are phoning every tenant over 75.""",
        ),
        rep(
            "journalist", "2025-07-17", "2025-07-24",
            system(None, None, None, "Casa Comune"),
            ["IT"], "real_estate", ["physical_injury", "human_fundamental_rights"],
            "Bologna, condizionatori 'bloccati' a 29 gradi: anziana in ospedale",
            """Nelle case popolari gestite da Casa Comune Bologna i condizionatori non
            scendevano sotto i 29 gradi nemmeno durante l'ondata di calore della settimana
            scorsa. Lo hanno scoperto gli inquilini quando una signora di 79 anni del Pratello
            si è sentita male ed è stata ricoverata al Maggiore. Il limite era impostato da un
            programma di risparmio energetico gestito da un termostato 'intelligente'. L'ente ha
            tolto il blocco in tutti gli alloggi e parla di 'errore di configurazione'. Il
            sindacato inquilini chiede un risarcimento.""",
            references=["https://www.cronacafelsinea.example/2025/07/24/condizionatori-bloccati-pratello"],
        ),
    ],
    # G7: Prisma Load 3 duplicated meter readings lead to estimated bills
    [
        rep(
            "developer", "2025-09-04", "2025-09-09",
            system("Prisma Load", "3.5", DEV, "Rete Lucana Energia S.p.A."),
            ["IT"], "energy", ["economic_property"],
            "RA-2025/010 Duplicated smart-meter intervals in Prisma data pipeline, loss estimates inflated",
            f"""Incident communication RA-2025/010. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: Prisma Load 3.5, data-quality and loss-estimation module.
            Facts: from 4 September 2025 a retry in the meter-data ingestion duplicated about
            2% of 15-minute intervals for a Basilicata operator. The loss-estimation model read
            the duplicates as consumption and flagged 3,700 meters as probable tampering, and
            the operator's billing partner sent estimated back-bills to 410 households before
            the error was found. Measures: ingestion is now idempotent; the back-bills have been
            withdrawn. {CLOSE}""",
        ),
    ],
    # G8: TermoCasa occupancy inference shared with an insurer partner
    [
        rep(
            "developer", "2025-10-20", "2025-10-22",
            system("TermoCasa", "cloud 2025.10", DEV, None),
            ["IT"], "energy", ["human_fundamental_rights"],
            "RA-2025/011 TermoCasa occupancy estimates included in partner data feed",
            f"""Incident communication RA-2025/011. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: TermoCasa cloud service, release 2025.10. Facts: a new
            partner data feed for a home-insurance pilot, released on 20 October 2025, was meant
            to share only boiler fault alerts for consenting customers. Through a wrong field
            mapping it also carried the model's hourly occupancy estimates (whether anyone was
            at home) for 2,950 customers for two days. The partner has confirmed deletion.
            Measures: the feed was stopped on 22 October; the Garante was notified. {CLOSE}""",
        ),
    ],
    # G9: Flessa discharges home batteries before an outage; follow-up later
    [
        rep(
            "developer", "2025-11-25", "2025-11-27",
            system("Flessa", "2.0", DEV, "Sarda Flex S.r.l."),
            ["IT"], "energy", ["economic_property", "physical_injury"],
            "RA-2025/012 Flessa sold battery reserve before storm outage in Sardinian solar community",
            f"""Incident communication RA-2025/012. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: Flessa 2.0, home-battery dispatch. Facts: on the evening of
            25 November 2025, ahead of a storm, Flessa discharged the home batteries of 180
            households of an energy community near Oristano into the grid because evening prices
            were high. The backup reserve setting was ignored for batteries of one brand. When
            the storm cut the feeder at 22:40, most of these homes had no backup power; one
            resident fell on a dark staircase and broke a wrist. Measures: reserve is enforced in
            the dispatcher itself, not only in the battery. Investigation continues. {CLOSE}""",
        ),
        rep(
            "developer", "2025-11-25", "2026-03-09",
            system("Flessa", "2.0 / 2.1.1", DEV, "Sarda Flex S.r.l."),
            ["IT"], "energy", ["economic_property", "physical_injury"],
            "RA-2025/012 final: battery reserve ignored during Oristano storm, new findings",
            f"""Incident communication RA-2025/012, final report. Reticolo Analytics S.r.l.,
            Product Safety, Milan. Since our first communication on the storm of November 2025
            in the Oristano energy community, the joint analysis with the battery manufacturer
            showed that the reserve parameter was written in percent where the firmware expects
            tenths of a percent, so a 30% reserve became 3%. The same mapping error affected
            1,050 batteries at four other customers, none of which suffered an outage while it
            was present. Households of the community have received EUR 120 each. Flessa 2.1.1
            verifies reserve levels after every dispatch. {CLOSE}""",
        ),
    ],
    # G10: Prisma Load 3 snow forecast deviation, Alto Adige (another boilerplate notice)
    [
        rep(
            "developer", "2026-02-03", "2026-02-05",
            system("Prisma Load", "3.7", DEV, "EnerAlpi Rete S.p.A."),
            ["IT"], "energy", ["economic_property"],
            "RA-2026/002 Prisma Load 3 intraday forecast deviation during snowfall",
            f"""Incident communication RA-2026/002. Reticolo Analytics S.r.l., Product Safety,
            Milan. System concerned: Prisma Load, version 3.7, intraday load forecasting.
            Facts: on 3 February 2026 the intraday forecast for a distribution system operator
            customer in the province of Bolzano under-estimated load by up to 17% during heavy
            snowfall, because ski-resort snow-making was missing from the training data of the
            new model. The operator had to call on emergency reserve from the transmission
            operator and incurred imbalance charges. Measures: snow-making schedules were added
            as a feature. This communication is issued under our contractual
            incident-notification procedure. {CLOSE}""",
        ),
    ],
]
# fmt: on
