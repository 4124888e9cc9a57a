# ruff: noqa: E501, RUF001
"""Talvi Recruit Oy (Tampere, FI): Talvi Screen 3 and 4 CV ranking, Talvi Interview video
interview scoring, ShiftMatch shift planning. House style: "Incident record TR-IR-yyyy-nnn",
closing sentence "Talvi Recruit is committed to hiring technology that is fair, explainable and
subject to human oversight." """

from company_streams.common import rep, system

DEV = "Talvi Recruit Oy"
CLOSE = (
    "Talvi Recruit is committed to hiring technology that is fair, explainable and subject to "
    "human oversight."
)

# fmt: off
EVENTS = [
    # T1: Screen 3 penalises career gaps (parental leave), retail chain
    [
        rep(
            "developer", "2025-01-14", "2025-01-21",
            system("Talvi Screen", "3.4", DEV, "Lumo Market Oy"),
            ["FI"], "employment", ["human_fundamental_rights"],
            "TR-IR-2025-001 Career-gap feature lowered ranking of returning parents",
            f"""Incident record TR-IR-2025-001 | Talvi Recruit Oy | Responsible AI team.
            Affected product: Talvi Screen 3.4 (CV ranking). Summary: a customer in grocery
            retail told us on 21 January 2025 that its shortlists for 14 store-manager posts,
            produced on 14 January, contained almost no women aged 30 to 40. Our analysis shows
            that a 'continuity of experience' feature, added in 3.4, penalised gaps longer than
            nine months without distinguishing parental leave, which in Finland is mostly taken
            by mothers. Of 611 applicants, 47 were pushed below the shortlist cut-off by this
            feature alone. Actions: the feature is removed; the customer re-ran the shortlist
            and invited the 47 applicants. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-01-15", "2025-02-04",
            system(None, None, None, "Lumo"),
            ["FI"], "employment", ["human_fundamental_rights", "economic_property"],
            "Rejected within hours – because I had been on family leave?",
            """I applied for the store manager job at Lumo in Hervanta. I have eleven years in
            retail and ran a store of 25 people before my second child. I got an automatic 'we
            have chosen to proceed with other candidates' the next morning. Two weeks later a
            recruiter from Lumo phoned and said there had been 'a technical problem with the
            selection tool' and invited me after all. I am glad, but how many times has this
            happened before without anyone noticing? Anu Heikkilä""",
        ),
        rep(
            "journalist", "2025-01-14", "2025-02-11",
            system("Talvi", None, "Talvi Recruit", "Lumo Market"),
            ["FI"], "retail", ["human_fundamental_rights"],
            "Hiring algorithm sidelined mothers, grocery chain admits",
            """A Finnish grocery chain has re-opened its recruitment for store managers after
            discovering that the automated tool it uses to sort applications had marked down
            candidates who had taken family leave. Lumo Market said the problem lay with a new
            version of software supplied by Tampere-based Talvi Recruit, and that dozens of
            applicants had been invited to interview after the error was found. The Equality
            Ombudsman said it had not received a complaint but was 'following the case'.
            Talvi said the faulty component had been withdrawn.""",
            references=["https://www.pirkanmaanviikko.example/talous/2025/02/11/rekrytointialgoritmi"],
        ),
    ],
    # T2: ShiftMatch breaks rest-period rules in care
    [
        rep(
            "developer", "2025-02-20", "2025-02-24",
            system("ShiftMatch", "2.1", DEV, "Pohjola Care Oy"),
            ["FI"], "employment", ["human_fundamental_rights", "psychological"],
            "TR-IR-2025-002 ShiftMatch rosters broke statutory rest periods",
            f"""Incident record TR-IR-2025-002 | Talvi Recruit Oy | Responsible AI team.
            Affected product: ShiftMatch 2.1 (shift planning). Summary: on 20 February 2025 a
            union representative at a care-home customer in Oulu found that ShiftMatch's
            optimiser had produced March rosters in which 23 practical nurses had less than the
            11 hours of daily rest required by the Working Hours Act, several with an evening
            shift followed by a 07:00 start. The constraint had been dropped from the solver
            when a customer-specific rule for night shifts was added. The rosters were
            published but corrected before they took effect. Actions: statutory constraints are
            now locked and tested before every release. {CLOSE}""",
        ),
    ],
    # T3: Talvi Interview penalises Swedish-speaking applicants
    [
        rep(
            "developer", "2025-03-18", "2025-03-26",
            system("Talvi Interview", "1.9", DEV, "Saaristo Energia Oy"),
            ["FI"], "employment", ["human_fundamental_rights"],
            "TR-IR-2025-003 Interview transcript scoring disadvantaged Swedish-language answers",
            f"""Incident record TR-IR-2025-003 | Talvi Recruit Oy | Responsible AI team.
            Affected product: Talvi Interview 1.9 (recorded video interview, answer scoring
            from transcripts). Summary: an energy-company customer in Vaasa offered applicants
            the choice of Finnish or Swedish. Answers given in Swedish were transcribed with a
            Finnish model for part of the day on 18 March 2025 because of a language-routing
            error, so their content scores were close to zero. Nine applicants answered in
            Swedish; five were rejected automatically. Actions: all nine were re-scored by a
            human panel and three were invited to the next round; language routing now fails
            closed. {CLOSE}""",
        ),
    ],
    # T4: Screen 3 age proxy at a logistics company
    [
        rep(
            "developer", "2025-04-29", "2025-05-06",
            system("Talvi Screen", "3.6", DEV, "Saimaa Logistics Oy"),
            ["FI"], "employment", ["human_fundamental_rights"],
            "TR-IR-2025-004 Graduation-year signal acted as age proxy in warehouse supervisor hiring",
            f"""Incident record TR-IR-2025-004 | Talvi Recruit Oy | Responsible AI team.
            Affected product: Talvi Screen 3.6. Summary: following a question from the
            Non-Discrimination Ombudsman on 6 May 2025, we examined a recruitment for warehouse
            shift supervisors closed on 29 April by a logistics customer in Lappeenranta.
            Applicants who graduated before 1995 had a 4% chance of reaching the shortlist
            against 31% for later graduates with similar experience. The customer had weighted
            'recent qualification' heavily, and Screen 3.6 translated graduation year directly
            into that score. Actions: graduation year is no longer used as a numeric input; all
            customers with a recency weight were contacted. {CLOSE}""",
        ),
        rep(
            "institute", "2025-04-29", "2025-05-02",
            system("CV screening tool", None, "Talvi", "Saimaa Logistics"),
            ["FI"], "employment", ["human_fundamental_rights"],
            "Possible age discrimination by automated CV screening, logistics recruitment",
            """The Non-Discrimination Ombudsman received three complaints at the end of April
            from applicants aged 56 to 61 who were rejected from supervisor posts at a
            logistics company in South Karelia within a day of applying. All three had relevant
            supervisory experience. The employer confirmed that an external screening tool
            produced the shortlist. The Ombudsman has asked the employer and the tool's
            supplier to explain which applicant data the ranking used and whether age, or a
            proxy for it, affected the outcome.""",
        ),
        rep(
            "affected_party", "2025-04-28", "2025-04-30",
            system(None, None, None, "Saimaa Logistiikka"),
            ["FI"], "employment", ["human_fundamental_rights"],
            "Too old for the computer: rejected for a job I have done for 20 years",
            """I have been a shift supervisor in warehouses for twenty years, the last eight
            at a competitor in Imatra. I applied on a Monday evening and had the rejection the
            next morning at 06:12, so no human read it. When I asked why, the reply said the
            selection 'uses an objective scoring of qualifications'. My qualification is from
            1987, of course. I have sent a complaint to the Ombudsman. Markku Räsänen,
            markku.rasanen@verkkoposti.example""",
        ),
        rep(
            "journalist", "2025-04-29", "2025-05-13",
            system("Talvi Screen", None, "Talvi Recruit", "Saimaa Logistics"),
            ["FI"], "employment", ["human_fundamental_rights"],
            "Ombudsman asks logistics firm and software vendor about older applicants",
            """The Non-Discrimination Ombudsman is examining whether a recruitment at Saimaa
            Logistics screened out older applicants. Three men in their late fifties were
            rejected for shift-supervisor posts in Lappeenranta within hours. The company uses
            screening software from Talvi Recruit, which told us that the year of a candidate's
            degree had been used 'as a numeric input, which it should not have been', and that
            this had been changed. Saimaa Logistics said it would re-open the shortlist.""",
            references=["https://www.etelakarjalantiedote.example/2025/05/13/ika-rekrytointi"],
        ),
    ],
    # T6: Screen 4 rejects Europass CVs for summer jobs
    [
        rep(
            "developer", "2025-06-16", "2025-06-17",
            system("Talvi Screen", "4.0", DEV, "Nordhavn Retail Oy"),
            ["FI"], "employment", ["economic_property"],
            "TR-IR-2025-005 Screen 4.0 failed to parse CVs in a common template",
            f"""Incident record TR-IR-2025-005 | Talvi Recruit Oy | Responsible AI team.
            Affected product: Talvi Screen 4.0, released 10 June 2025. Summary: the new
            document parser in 4.0 returned empty work histories for PDF CVs made with the
            Europass template, which embeds its text in a layer the parser skipped. Those
            candidates scored zero experience. A retail customer running a summer-job campaign
            in Turku and Tampere auto-rejected 2,614 applicants on 16 June before the customer's
            recruiters noticed that the rejections were mostly young applicants with Europass
            CVs. Actions: rollback to 3.8 within four hours; affected candidates' applications
            restored and re-ranked. {CLOSE}""",
        ),
        rep(
            "deployer", "2025-06-16", "2025-06-16",
            system("Talvi Screen 4", None, "Talvi", "Nordhavn Retail"),
            ["FI"], "retail", ["economic_property"],
            "Summer job campaign: mass automatic rejections on day one",
            """Nordhavn Retail HR. Our summer job campaign opened on Monday morning and by
            14:00 more than 2,500 applicants had received a rejection. Recruiters in Turku
            noticed that candidates who had worked for us last summer were being rejected. We
            paused the campaign, informed the supplier and sent all rejected applicants an
            apology with a link to re-activate their application. About 700 vacancies had to
            wait an extra week to be filled.""",
        ),
        rep(
            "journalist", "2025-06-17", "2025-06-18",
            system(None, None, "Talvi Recruit", "Nordhavn"),
            ["FI"], "employment", ["economic_property", "reputational"],
            "Thousands of teens wrongly turned down for summer jobs by software glitch",
            """Some 2,600 young people applying for summer work at the Nordhavn department
            stores were rejected within minutes on Monday because of a fault in recruitment
            software, the company confirmed on Tuesday. Many had used the EU's standard CV
            format, which the new version of the screening program could not read. 'My
            daughter thought she had done something wrong,' one parent said. Nordhavn said all
            applications were being reconsidered, and the software maker Talvi Recruit said it
            had reverted to its earlier version.""",
            references=["https://uutisvirta.example/2025/06/18/kesatyohaku-hylkaykset"],
        ),
        rep(
            "affected_party", "2025-06-16", "2025-06-23",
            system(None, None, None, "Nordhavn Turku"),
            ["FI"], "employment", ["economic_property"],
            "My summer job application was rejected automatically and then re-opened too late",
            """I am 17 and applied to work in the Nordhavn store in Turku this summer. I got
            the 'unfortunately' email ten minutes after sending. Then on Wednesday they wrote
            that it was a mistake and I could re-activate. I did, but by then the shifts in the
            café where I wanted to work were taken and they offered me only weekends in the
            warehouse. I used the CV template my school told us to use. Elias Nurmi""",
        ),
    ],
    # T7: Talvi Interview 'enthusiasm' score and an autistic applicant
    [
        rep(
            "developer", "2025-08-12", "2025-08-19",
            system("Talvi Interview", "2.0", DEV, "Kaleva Insurance"),
            ["FI"], "employment", ["human_fundamental_rights"],
            "TR-IR-2025-006 Expressiveness score disadvantaged a neurodivergent applicant",
            f"""Incident record TR-IR-2025-006 | Talvi Recruit Oy | Responsible AI team.
            Affected product: Talvi Interview 2.0, optional 'engagement' indicator. Summary:
            an applicant for a claims-handler post at an insurance customer in Helsinki
            complained that she was rejected on 12 August 2025 after a video interview in
            which she had disclosed that she is autistic. The engagement indicator, which reads
            facial expressiveness and vocal variation, was among the three criteria the customer
            used for the cut-off, and her score was in the lowest decile. Actions: the
            engagement indicator is withdrawn for all customers; the applicant's interview was
            re-assessed on content only. {CLOSE}""",
        ),
    ],
    # T5: ShiftMatch cuts hours after sick leave, care home Jyvaskyla (same site as T8)
    [
        rep(
            "developer", "2025-08-18", "2025-08-25",
            system("ShiftMatch", "2.4", DEV, "Pohjola Care Oy, Kuokkala home"),
            ["FI"], "employment", ["economic_property", "human_fundamental_rights"],
            "TR-IR-2025-007 Availability-risk score reduced shifts of staff after sick leave",
            f"""Incident record TR-IR-2025-007 | Talvi Recruit Oy | Responsible AI team.
            Affected product: ShiftMatch 2.4, availability-risk module. Summary: at a
            care-home customer in Jyväskylä, the September roster published on 18 August 2025
            gave 9 part-time employees who had recently been on sick leave markedly fewer
            hours than in previous months. The availability-risk score, intended to plan
            reserve staff, was also used by the roster optimiser to prefer 'reliable' staff,
            which in effect penalised sick leave. Actions: the score is no longer an optimiser
            input; the customer restored the hours for September. {CLOSE}""",
        ),
    ],
    # T8: ShiftMatch pay-period bug drops evening supplements, same care home weeks later
    [
        rep(
            "developer", "2025-09-08", "2025-09-15",
            system("ShiftMatch", "2.4.2", DEV, "Pohjola Care Oy, Kuokkala home"),
            ["FI"], "employment", ["economic_property"],
            "TR-IR-2025-008 ShiftMatch export omitted evening and weekend supplements",
            f"""Incident record TR-IR-2025-008 | Talvi Recruit Oy | Responsible AI team.
            Affected product: ShiftMatch 2.4.2, payroll export. Summary: in the payroll run of
            8 September 2025, 61 employees of a care-home customer in Jyväskylä were paid
            without their evening and weekend supplements for the second half of August. The
            export classified shifts by the rule set of the period in which they were planned,
            and the collective-agreement update of 1 August was not applied to shifts planned
            in July. This is unrelated to TR-IR-2025-007 at the same customer. Actions: a
            correction run was paid on 19 September. {CLOSE}""",
        ),
    ],
    # T9: Screen 4 rejection letters disclose inferred health information; follow-up later
    [
        rep(
            "developer", "2025-10-21", "2025-10-23",
            system("Talvi Screen", "4.2", DEV, None),
            ["FI"], "employment", ["human_fundamental_rights"],
            "TR-IR-2025-009 Automated feedback letters referred to inferred health reasons",
            f"""Incident record TR-IR-2025-009 | Talvi Recruit Oy | Responsible AI team.
            Affected product: Talvi Screen 4.2, generated feedback letters (pilot). Summary:
            from 21 October 2025 the pilot feature that writes a short explanation into
            rejection letters sometimes described a gap in the CV as 'a period of illness' or
            'a health-related absence' when the CV only hinted at it. At least 140 letters from
            four pilot customers contained such wording. Actions: the feature was switched off
            on 23 October; customers have been asked to inform the recipients. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-10-22", "2025-10-28",
            system("Talvi", None, None, None),
            ["FI"], "employment", ["human_fundamental_rights", "psychological"],
            "Rejection e-mail told me my 'health-related absence' was the reason",
            """I applied for an accountant job through an online form. The rejection said that
            'your health-related absence in 2022–2023 reduced the match with the role'. I never
            wrote anything about health. I wrote 'career break'. I had burnout, yes, but how
            does a computer know that, and who else has seen it? The e-mail footer said the
            selection was supported by Talvi. I have asked the employer to delete my data.
            S. Lindqvist""",
        ),
        rep(
            "developer", "2025-10-21", "2026-01-30",
            system("Talvi Screen", "4.2", DEV, None),
            ["FI"], "employment", ["human_fundamental_rights"],
            "TR-IR-2025-009 follow-up: scope of inferred-health wording and regulator findings",
            f"""Incident record TR-IR-2025-009, follow-up of 30 January 2026 | Talvi Recruit
            Oy | Responsible AI team. Since our first record on the feedback-letter pilot, the
            full audit found 212 letters (not 140) with health-related wording, sent between
            21 and 23 October 2025 by five customers. The Data Protection Ombudsman concluded
            that the letters processed special-category data without a legal basis and has
            ordered deletion of the generated texts; we have complied. The pilot will not be
            resumed. {CLOSE}""",
        ),
    ],
    # T10: Talvi Interview fooled by a face-swap applicant
    [
        rep(
            "developer", "2026-01-13", "2026-01-20",
            system("Talvi Interview", "2.3", DEV, "Saimaa Logistics Oy"),
            ["FI"], "employment", ["economic_property"],
            "TR-IR-2026-001 Identity check passed an applicant using real-time face swap",
            f"""Incident record TR-IR-2026-001 | Talvi Recruit Oy | Responsible AI team.
            Affected product: Talvi Interview 2.3, identity-consistency check. Summary: a
            logistics customer discovered on 13 January 2026 that an IT administrator hired in
            December after a remote video interview was not the person who had attended the
            interview; the interviewee had used real-time face-swapping software, and our check
            compared the video only to the photo the applicant supplied. The new employee had
            requested access to the payroll system in his first week. Loss so far is limited to
            recruitment costs. Actions: liveness testing added; customers advised to verify
            identity in person before access is granted. {CLOSE}""",
        ),
    ],
]
# fmt: on
