# ruff: noqa: E501, RUF001
"""Civitas Analytics NV (Ghent, BE): Signaal 2 and 3 benefit-risk scoring, Loket citizen
chatbot, Dossierlezer document reader, sold to public social-welfare bodies. House style:
"Incident memo CIV/IM/yyyy-nn", closing sentence "Civitas Analytics regrets the inconvenience
caused to citizens and remains at the disposal of the supervisory authorities." """

from company_streams.common import rep, system

DEV = "Civitas Analytics NV"
CLOSE = (
    "Civitas Analytics regrets the inconvenience caused to citizens and remains at the "
    "disposal of the supervisory authorities."
)

# fmt: off
EVENTS = [
    # V1: Signaal 2 targets single mothers of foreign nationality
    [
        rep(
            "developer", "2025-02-03", "2025-02-12",
            system("Signaal", "2.7", DEV, "Caisse régionale d'allocations Hainaut-Sud"),
            ["BE"], "public_administration", ["human_fundamental_rights", "economic_property"],
            "CIV/IM/2025-01 Signaal 2 risk list over-selected single parents of non-EU nationality",
            f"""Incident memo CIV/IM/2025-01. Civitas Analytics NV, Compliance Office, Ghent.
            System: Signaal 2.7, benefit-risk scoring. Findings: the February 2025 control
            list produced on 3 February for a regional family-allowance fund in Hainaut
            selected 1,380 files for home inspection. Single-parent households with a non-EU
            nationality made up 41% of the list against 9% of the fund's caseload. The model
            used 'number of address changes' and 'foreign bank account' features that strongly
            correlate with migration background; no feature was tested for disparate impact at
            this customer. Payments were suspended for 212 households pending inspection.
            Measures: the list was withdrawn on 12 February and payments resumed; the two
            features are removed. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-02-04", "2025-02-20",
            system(None, None, None, "la caisse d'allocations"),
            ["BE"], "public_administration", ["economic_property", "psychological"],
            "Allocations familiales suspendues sans explication après un 'contrôle ciblé'",
            """Je suis mère seule de trois enfants à La Louvière, de nationalité congolaise,
            en Belgique depuis 2011. Début février j'ai reçu une lettre disant que mes
            allocations étaient suspendues en attendant une visite à domicile 'dans le cadre
            d'un contrôle ciblé'. Personne n'est venu pendant deux semaines et je n'ai pas pu
            payer le loyer de février. Une assistante sociale m'a dit que c'était 'l'ordinateur
            qui choisit'. Dans mon quartier, toutes les mamans africaines que je connais ont
            reçu la même lettre. Mireille Kabongo Ntumba""",
        ),
        rep(
            "journalist", "2025-02-03", "2025-02-26",
            system("Signal", None, "Civitas", "Hainaut family allowance fund"),
            ["BE"], "public_administration", ["human_fundamental_rights"],
            "Algorithm picked migrant mothers for welfare checks, fund concedes",
            """A family-allowance fund in southern Hainaut has scrapped a list of households
            chosen for benefit-fraud inspections after finding that an algorithm had
            disproportionately selected single mothers of African and Middle Eastern origin.
            Payments to more than 200 families had been frozen for up to two weeks. The fund's
            director said the risk model, bought from Ghent-based Civitas Analytics, 'will not
            be used again in its current form'. The Institute for Equality said it had received
            eleven complaints.""",
            references=["https://www.lesoirdesprovinces.example/societe/2025/02/26/algorithme-allocations"],
        ),
        rep(
            "institute", "2025-02-03", "2025-03-14",
            system("Signaal 2", "2.7", "Civitas Analytics", None),
            ["BE"], "public_administration", ["human_fundamental_rights"],
            "Discriminatory selection by benefit-fraud risk model at a family-allowance fund",
            """Note of the national equality body to the exchange. A risk-scoring model used
            to select family-allowance files for home inspection selected single parents of
            non-EU nationality at more than four times their share of the caseload in its
            February 2025 run, and payment suspensions followed automatically. The body finds
            that indirect discrimination on grounds of nationality and national origin is likely
            and recommends that no benefit be suspended on the basis of a risk score alone.""",
        ),
    ],
    # V2: Loket chatbot gives wrong housing-premium deadline
    [
        rep(
            "developer", "2025-03-10", "2025-03-17",
            system("Loket", "1.5", DEV, "Stad Aalst-Zuid social services"),
            ["BE"], "public_administration", ["economic_property"],
            "CIV/IM/2025-02 Loket chatbot stated an expired deadline for housing premium",
            f"""Incident memo CIV/IM/2025-02. Civitas Analytics NV, Compliance Office, Ghent.
            System: Loket 1.5, citizen-information chatbot. Findings: from 10 March 2025 the
            Loket instance of a municipal customer told citizens who asked about the renovation
            housing premium that applications could be submitted 'until 31 March', the
            deadline of the previous year's scheme; the current deadline was 28 February. The
            retrieval index still held the old regulation and ranked it higher because of its
            length. We estimate 260 conversations gave the wrong date. Measures: superseded
            regulations are removed from the index on publication of the new one; the customer
            is contacting the citizens concerned. {CLOSE}""",
        ),
    ],
    # V3: Dossierlezer sorts permit objections as duplicates
    [
        rep(
            "developer", "2025-04-14", "2025-04-22",
            system("Dossierlezer", "4.0", DEV, None),
            ["BE"], "public_administration", ["public_interest"],
            "CIV/IM/2025-03 Dossierlezer merged distinct permit objections as duplicates",
            f"""Incident memo CIV/IM/2025-03. Civitas Analytics NV, Compliance Office, Ghent.
            System: Dossierlezer 4.0, incoming-document classification. Findings: during the
            public inquiry on a wind-farm permit that closed on 14 April 2025, Dossierlezer
            marked 1,911 objection letters as duplicates of a template letter circulated by a
            residents' association, although 640 of them contained individual arguments added
            by the writers. Only one letter per duplicate cluster was shown to the permit
            officers. Measures: letters with more than 30 words of text outside the template are
            no longer clustered; the permit authority has re-opened the file for review. {CLOSE}""",
        ),
    ],
    # V4: Signaal 3 water-use feature suspends social assistance
    [
        rep(
            "developer", "2025-05-20", "2025-05-28",
            system("Signaal", "3.0", DEV, "CPAS de Montignies-Ouest"),
            ["BE"], "public_administration", ["economic_property", "human_fundamental_rights"],
            "CIV/IM/2025-04 Low water consumption read as non-residence by Signaal 3",
            f"""Incident memo CIV/IM/2025-04. Civitas Analytics NV, Compliance Office, Ghent.
            System: Signaal 3.0, first production release. Findings: a public social-welfare
            centre near Charleroi used Signaal 3's residence check from 20 May 2025. The check
            treats water consumption below a threshold as evidence that a person does not live
            at the address. It flagged 318 recipients of the integration income, many of them
            elderly people living alone or residents who use a shared meter, and the centre
            suspended 97 payments. Measures: the residence check is disabled; consumption data
            may only prompt a conversation with a social worker, never a suspension. {CLOSE}""",
        ),
        rep(
            "researcher", "2025-05-20", "2025-07-04",
            system("residence indicator", None, None, "a public social-welfare centre"),
            ["BE"], "public_administration", ["human_fundamental_rights"],
            "Water-meter data as proof of non-residence: what went wrong in a Charleroi-area pilot",
            """Working paper summary. In spring 2025 a public social-welfare centre in the
            Charleroi area tried an automated residence check that reads low household water use
            as a sign that a benefit recipient lives elsewhere. From the centre's anonymised
            figures, we show that the indicator mostly picked up people living alone, older
            recipients and flats on collective meters; of the first twenty people visited, none
            was living elsewhere. Nearly a hundred payments were stopped for about ten days. We
            argue that utility data should never trigger a suspension on its own.""",
        ),
        rep(
            "deployer", "2025-05-21", "2025-05-30",
            system("Signaal 3", None, "Civitas", "CPAS de Montignies-Ouest"),
            ["BE"], "public_administration", ["economic_property"],
            "Suspension of integration income for 97 recipients after automated residence check",
            """CPAS de Montignies-Ouest, direction générale. At the end of May we suspended
            the integration income of 97 recipients whom the new control tool had flagged as
            probably not living at their declared address. Social workers who visited the first
            twenty found that all of them did live there. All suspensions were lifted on 30 May
            and arrears paid. We have stopped using the residence indicator and will present an
            evaluation to the council.""",
        ),
        rep(
            "affected_party", "2025-05-22", "2025-06-02",
            system(None, None, None, "CPAS"),
            ["BE"], "public_administration", ["economic_property", "psychological"],
            "On m'a coupé le revenu d'intégration parce que je consomme trop peu d'eau",
            """J'ai 67 ans, je vis seul dans un petit appartement à Montignies et je fais très
            attention à ma consommation parce que je n'ai pas beaucoup d'argent. Le CPAS m'a
            écrit fin mai que mon revenu était suspendu parce que je 'ne résiderais pas' à mon
            adresse. On m'a expliqué que c'était à cause de ma facture d'eau. J'ai dû emprunter
            à ma sœur pour payer mes médicaments. Maintenant c'est réglé mais personne ne m'a
            présenté d'excuses. Gérard Vanderhaegen""",
        ),
    ],
    # V5: Loket shows another citizen's case status
    [
        rep(
            "developer", "2025-06-30", "2025-07-01",
            system("Loket", "1.8", DEV, "Sociaal Huis Kortenaken-Noord"),
            ["BE"], "public_administration", ["human_fundamental_rights"],
            "CIV/IM/2025-05 Loket chatbot disclosed case information to the wrong citizen",
            f"""Incident memo CIV/IM/2025-05. Civitas Analytics NV, Compliance Office, Ghent.
            System: Loket 1.8, authenticated case-status feature. Findings: on 30 June 2025,
            for about 40 minutes after a load-balancer change, Loket sessions of a customer's
            citizens could be attached to the wrong authenticated session. 23 citizens were
            shown the status of another person's application for social assistance, including
            names and amounts. Measures: the session affinity change was reverted; the data
            protection authority was notified; the customer informed all 46 citizens concerned.
            {CLOSE}""",
        ),
    ],
    # V6: Dossierlezer misreads payslip income
    [
        rep(
            "developer", "2025-08-25", "2025-09-02",
            system("Dossierlezer", "4.3", DEV, "Caisse régionale d'allocations Hainaut-Sud"),
            ["BE"], "public_administration", ["economic_property"],
            "CIV/IM/2025-06 Dossierlezer misread gross and net income on payslips",
            f"""Incident memo CIV/IM/2025-06. Civitas Analytics NV, Compliance Office, Ghent.
            System: Dossierlezer 4.3, payslip extraction. Findings: a new payslip layout
            introduced by a large payroll bureau in August 2025 swapped the positions of gross
            and net pay. Dossierlezer read net pay as gross for 1,070 households applying for an
            income-related family-allowance supplement, so some were granted a supplement they
            were not entitled to and were later asked to repay it, first recovery letters dated
            25 August. Measures: recovery halted; extraction now cross-checks gross against net
            and contributions. {CLOSE}""",
        ),
    ],
    # V7: Signaal 3 flags student housing as fraudulent cohabitation
    [
        rep(
            "developer", "2025-09-29", "2025-10-06",
            system("Signaal", "3.2", DEV, "CPAS d'Ottignies-Centre"),
            ["BE"], "public_administration", ["economic_property", "human_fundamental_rights"],
            "CIV/IM/2025-07 Signaal 3 address-cluster rule flagged students in shared housing",
            f"""Incident memo CIV/IM/2025-07. Civitas Analytics NV, Compliance Office, Ghent.
            System: Signaal 3.2, cohabitation indicator. Findings: at the start of the academic
            year, a customer in Walloon Brabant ran the cohabitation indicator on students who
            receive the integration income. The rule treats several recipients registered at one
            address as a probable undeclared couple or household. It flagged 186 students in
            shared student houses on 29 September 2025, and the customer recalculated 54 of
            them at the cohabitant rate. Measures: registered student housing is excluded;
            the customer has restored the single rate with arrears. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-09-30", "2025-10-03",
            system(None, None, None, "CPAS Ottignies"),
            ["BE"], "education", ["economic_property"],
            "Student: my support was cut to the cohabitant rate because I live in a kot",
            """I study social work in Louvain-la-Neuve and live in a student house (kot) with
            seven other students I didn't know before. I get the integration income because my
            parents can't support me. On 30 September the CPAS told me that from October I would
            get the cohabitant rate, about 300 euros less, because 'several beneficiaries are
            registered at your address'. Two others in my kot got the same letter. That money is
            my rent. Sofiane El Idrissi""",
        ),
        rep(
            "journalist", "2025-09-29", "2025-10-15",
            system("Signaal", "3", "Civitas Analytics", "CPAS"),
            ["BE"], "public_administration", ["economic_property"],
            "Students in shared houses caught by welfare algorithm's 'couple' rule",
            """Dozens of students in Louvain-la-Neuve had their social assistance reduced at
            the start of term after software used by the local welfare centre concluded that
            people sharing a student house must be living as a household. The centre has since
            reversed the cuts. The student union says it is 'one more case in a series' involving
            the same supplier, whose tools were also criticised in Hainaut this year. Civitas
            Analytics said student residences are now excluded from the rule.""",
            references=["https://www.brabantwallonhebdo.example/2025/10/15/kots-cpas-algorithme"],
        ),
    ],
    # V8: Loket Arabic translation gives wrong advice about reception rights
    [
        rep(
            "developer", "2025-10-27", "2025-11-03",
            system("Loket", "2.0", DEV, "Stad Aalst-Zuid social services"),
            ["BE"], "public_administration", ["human_fundamental_rights"],
            "CIV/IM/2025-08 Loket machine translation told Arabic speakers they had no right to aid",
            f"""Incident memo CIV/IM/2025-08. Civitas Analytics NV, Compliance Office, Ghent.
            System: Loket 2.0, multilingual answers via machine translation. Findings: from
            27 October 2025, answers about emergency medical aid for people without residence
            rights were translated into Arabic with a negation dropped, so the chatbot said that
            such people are 'not entitled' to urgent medical aid, the opposite of the Dutch
            source text. Logs show 37 such answers. Measures: legal-rights answers are now served
            from reviewed translations only; the customer's social workers are contacting the
            users where a contact is known. {CLOSE}""",
        ),
    ],
    # V9: Dossierlezer rejects grant applications with scanned signatures; follow-up later
    [
        rep(
            "developer", "2025-12-08", "2025-12-15",
            system("Dossierlezer", "4.6", DEV, "Vlaams Renovatiefonds Oost"),
            ["BE"], "public_administration", ["economic_property"],
            "CIV/IM/2025-09 Dossierlezer marked applications with scanned signatures as unsigned",
            f"""Incident memo CIV/IM/2025-09. Civitas Analytics NV, Compliance Office, Ghent.
            System: Dossierlezer 4.6, completeness check. Findings: from 8 December 2025 the
            completeness check of a regional renovation-grant fund's customer rejected
            applications whose signature page was a photographed or scanned image rather than a
            digital signature, returning them as 'incomplete'. The grant has a year-end deadline.
            At least 800 applications were affected. Measures: image signatures are accepted
            again; the fund is re-opening returned applications. Investigation ongoing. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-12-09", "2025-12-12",
            system(None, None, None, "Renovatiefonds"),
            ["BE"], "public_administration", ["economic_property"],
            "Renovation grant application bounced as 'unsigned' – I signed it",
            """I applied for the roof-insulation grant on 9 December, printed the form, signed
            it and scanned it at the library because I don't have an ID card reader. Two days
            later I got an automatic message: 'application incomplete – signature missing'. The
            helpline said I must apply again, but the roofer needs the confirmation before the
            end of the year or the price goes up. Els De Wulf, els.dewulf@mailbox.example""",
        ),
        rep(
            "developer", "2025-12-08", "2026-03-02",
            system("Dossierlezer", "4.6 / 4.7", DEV, "Vlaams Renovatiefonds Oost"),
            ["BE"], "public_administration", ["economic_property"],
            "CIV/IM/2025-09 closing memo: scope of signature rejections and remediation",
            f"""Incident memo CIV/IM/2025-09, closing memo. Civitas Analytics NV, Compliance
            Office, Ghent. Follow-up to our December memo on grant applications returned as
            unsigned. The full review found 2,140 applications wrongly returned between
            8 and 19 December 2025, not 800; 310 applicants did not re-apply before the deadline.
            The fund decided on 20 February 2026 to treat their first submission as valid. The
            cause was a signature-detection model retrained on digitally signed forms only.
            Release 4.7 routes any doubtful case to a clerk. {CLOSE}""",
        ),
    ],
    # V10: deprecated Signaal 2 still run at one customer, re-flags cleared families
    [
        rep(
            "developer", "2026-01-26", "2026-02-02",
            system("Signaal", "2.7", DEV, "Caisse régionale d'allocations Hainaut-Sud"),
            ["BE"], "public_administration", ["human_fundamental_rights", "economic_property"],
            "CIV/IM/2026-01 Decommissioned Signaal 2 model re-used by scheduled job",
            f"""Incident memo CIV/IM/2026-01. Civitas Analytics NV, Compliance Office, Ghent.
            System: Signaal 2.7, which was withdrawn at this customer after CIV/IM/2025-01.
            Findings: a scheduled annual re-check job at the family-allowance fund in Hainaut
            still pointed to the Signaal 2.7 model and on 26 January 2026 produced a list of 144
            households 'to be monitored', 60 of which had been cleared in the 2025 inspections.
            The list was sent to inspectors but no payment was suspended. Measures: the old model
            has been deleted from the customer environment; all scheduled jobs now reference
            models through the approval register. {CLOSE}""",
        ),
    ],
]
# fmt: on
