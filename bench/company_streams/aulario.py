# ruff: noqa: E501
"""Aulario Digital S.L. (Valencia, ES): VigilaExam online proctoring, Corrector IA 2 and 3
essay and answer grading, Tutoria+ tutoring chatbot. House style: "Incident notice
AD-INC/yy/nn", closing sentence "Aulario Digital reaffirms its commitment to fair, transparent
and human-reviewed assessment." """

from company_streams.common import rep, system

DEV = "Aulario Digital S.L."
CLOSE = (
    "Aulario Digital reaffirms its commitment to fair, transparent and human-reviewed assessment."
)

# fmt: off
EVENTS = [
    # A1: VigilaExam mass false flags at Universidad Abierta de Levante (same customer as A4)
    [
        rep(
            "developer", "2025-01-27", "2025-01-29",
            system("VigilaExam", "4.2", DEV, "Universidad Abierta de Levante"),
            ["ES"], "education", ["human_fundamental_rights", "psychological"],
            "AD-INC/25/01: VigilaExam integrity flags in January exam session, university customer",
            f"""Incident notice AD-INC/25/01, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: VigilaExam remote proctoring, version 4.2. What happened:
            during the online exams held on 27 January 2025 by a distance-learning university
            customer, VigilaExam raised 'face not visible' integrity flags for 212 of about
            1,900 candidates. Our review found that the face detector failed disproportionately
            for candidates with darker skin tones in low light, and the customer's settings
            turned three such flags into an automatic 'suspected misconduct' referral. What we
            did: automatic referral disabled for all customers; every flag now requires a human
            reviewer; the detector is being re-evaluated across skin-tone groups. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-01-27", "2025-02-03",
            system("Vigila Exam", None, None, "UAL"),
            ["ES"], "education", ["human_fundamental_rights", "psychological"],
            "Me acusaron de copiar porque el programa no me veía la cara",
            """Soy estudiante de Derecho en la Universidad Abierta de Levante. El lunes 27 de
            enero hice el examen de Derecho Civil II desde casa con el programa de vigilancia
            y el viernes me llegó un correo diciendo que mi examen quedaba anulado por 'posible
            fraude'. Según el informe, mi cara 'no era visible' durante once minutos. Yo estuve
            todo el rato delante de la cámara. Soy negra y estudio de noche con una lámpara
            pequeña. Hablé con otros compañeros en el grupo de clase y a casi todos los que nos
            pasó somos racializados. Quiero que se revise y que alguien me explique cómo
            funciona esto. Aminata Sow Llorente""",
        ),
        rep(
            "journalist", "2025-01-28", "2025-02-10",
            system(None, None, "Aulario", "Universidad Abierta de Levante"),
            ["ES"], "education", ["human_fundamental_rights"],
            "Una universidad anula exámenes online tras avisos de un software de vigilancia",
            """La Universidad Abierta de Levante ha tenido que revisar más de doscientos
            exámenes de la convocatoria de enero después de que un programa de supervisión
            remota marcara a los alumnos como sospechosos de copiar. Varios estudiantes
            denuncian que el sistema no reconocía bien los rostros de personas de piel oscura.
            La empresa valenciana que lo comercializa, Aulario Digital, admite 'un rendimiento
            desigual' del detector y asegura que ya ninguna alerta se convierte en sanción sin
            revisión humana. El rectorado ha restituido las notas de 190 alumnos.""",
            references=["https://www.diariodelturia.example/educacion/2025/02/10/examenes-online-anulados"],
        ),
        rep(
            "institute", "2025-01-27", "2025-02-14",
            system("VigilaExam proctoring", "4.x", "Aulario Digital", "Universidad Abierta de Levante"),
            ["ES"], "education", ["human_fundamental_rights"],
            "Disparate false-positive rate of remote proctoring face detection, university exams",
            """Summary prepared by the national AI supervisory office from the developer's
            notice and two complaints. A face-presence detector in a remote proctoring product
            produced integrity flags at a much higher rate for candidates with darker skin in
            poor lighting; combined with a customer rule that escalated repeated flags to
            misconduct proceedings, around two hundred exam results were voided in late January.
            Results have since been restored for most candidates. The office has asked for the
            developer's subgroup evaluation and will assess whether the escalation rule made the
            system a high-risk use in education.""",
        ),
    ],
    # A2: Corrector IA 2 penalises Valencian-language answers
    [
        rep(
            "developer", "2025-02-24", "2025-03-03",
            system("Corrector IA", "2.6", DEV, "Conselleria school network pilot"),
            ["ES"], "education", ["human_fundamental_rights"],
            "AD-INC/25/02: Corrector IA 2 lower scores for answers written in Valencian",
            f"""Incident notice AD-INC/25/02, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: Corrector IA, version 2.6. What happened: in a regional
            pilot of automated first-pass marking of history essays for year 4 of secondary
            school, a teacher noticed on 24 February 2025 that answers written in Valencian
            received on average 1.3 points less out of 10 than equivalent answers in Spanish.
            The rubric model had been calibrated on Spanish essays only. About 3,400 essays
            were affected; teachers' final marks were not always re-checked. What we did:
            Valencian essays are no longer scored automatically; affected schools received
            lists of essays to re-mark. {CLOSE}""",
        ),
        rep(
            "researcher", "2025-02-21", "2025-03-19",
            system("automatic essay scorer", None, None, "Valencian secondary schools"),
            ["ES"], "education", ["human_fundamental_rights"],
            "Language penalty in automated marking of bilingual history essays",
            """We are sociolinguists at a Valencian university and were given, with parental
            consent, 412 pairs of first-pass automatic marks and teacher marks from two
            secondary schools taking part in the regional marking pilot. Controlling for the
            teacher's mark, essays written in Valencian were scored 1.1 to 1.5 points lower by
            the machine. Teachers told us that under time pressure they accepted the machine's
            mark in most cases. The effect appears as soon as the pilot started in February;
            we have shared the analysis with the schools and the supplier.""",
        ),
    ],
    # A3: Tutoria+ inappropriate answer to a minor
    [
        rep(
            "developer", "2025-03-12", "2025-03-12",
            system("Tutoría+", "1.3", DEV, "Colegio Río Cabe"),
            ["ES"], "education", ["psychological"],
            "AD-INC/25/03: Tutoría+ unsafe reply to pupil's message about self-harm",
            f"""Incident notice AD-INC/25/03, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: Tutoría+ homework assistant, version 1.3. What happened:
            on 12 March 2025 a 14-year-old pupil at a customer school in Galicia wrote to the
            assistant during a maths session that she 'wanted to disappear'. Instead of the
            safeguarding response, the assistant continued with the exercise and later replied
            with a flippant phrase from its small-talk set. The school's counsellor was not
            alerted because the escalation rule matched Spanish phrasings only and the pupil
            wrote in Galician. The pupil is safe and receiving support. What we did: escalation
            now covers all co-official languages and triggers on model classification, not
            keywords. {CLOSE}""",
        ),
    ],
    # A4: VigilaExam flags a disabled student at the same university, ten weeks after A1
    [
        rep(
            "developer", "2025-04-07", "2025-04-10",
            system("VigilaExam", "4.3", DEV, "Universidad Abierta de Levante"),
            ["ES"], "education", ["human_fundamental_rights", "psychological"],
            "AD-INC/25/04: VigilaExam gaze alerts against candidates with visual impairment",
            f"""Incident notice AD-INC/25/04, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: VigilaExam remote proctoring, version 4.3. What happened:
            in the April resit session of a university customer, the gaze-tracking module
            repeatedly flagged a candidate with nystagmus, and two candidates using screen
            magnifiers, for 'looking away from the screen'. One candidate was called to a
            disciplinary interview before the accommodation on file was checked. This is a
            different failure from AD-INC/25/01 (face detection, January), although the customer
            is the same. What we did: candidates with registered accommodations are now exempt
            from gaze alerts; the customer has withdrawn the interview. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-04-08", "2025-04-09",
            system("the proctoring software", None, None, "Universidad Abierta de Levante"),
            ["ES"], "education", ["human_fundamental_rights"],
            "Disciplinary interview because my eyes move involuntarily",
            """I have congenital nystagmus: my eyes move all the time and I can't stop them.
            It is registered with the university's disability unit. On 8 April I sat my Spanish
            Constitutional Law resit online, and today I was summoned to explain why I 'looked
            away from the screen 47 times'. I had to send my medical report again to people who
            already had it. I am filing this because I think other disabled students are going
            through the same thing and are too embarrassed to say. Julián Ortega Bravo,
            julian.ortega@correo-ual.example""",
        ),
        rep(
            "deployer", "2025-04-07", "2025-04-11",
            system("VigilaExam v4", None, "Aulario Digital", "Universidad Abierta de Levante"),
            ["ES"], "education", ["human_fundamental_rights"],
            "Gaze alerts on students with registered accommodations, April resits",
            """Universidad Abierta de Levante, Vice-rectorate for Assessment. In the resit
            session beginning 7 April, three students with registered visual impairments were
            flagged by the proctoring tool's eye-movement check. In one case the Faculty of Law
            opened a disciplinary file before checking the accommodation register; the file was
            closed on 10 April and the student has received an apology. We have asked the
            provider to switch the check off for any student with an accommodation and will
            review our own procedure for flags.""",
        ),
    ],
    # A5: Corrector IA 3 cache shows other pupils' essays
    [
        rep(
            "developer", "2025-05-19", "2025-05-19",
            system("Corrector IA", "3.0.2", DEV, None),
            ["ES"], "education", ["human_fundamental_rights"],
            "AD-INC/25/05: Corrector IA 3 displayed other pupils' marked essays",
            f"""Incident notice AD-INC/25/05, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: Corrector IA, version 3.0.2. What happened: for about
            95 minutes on 19 May 2025, a caching misconfiguration after a deployment caused the
            feedback page of Corrector IA to show some pupils the marked essay, name and
            comments of another pupil from a different school. We estimate that 1,140 feedback
            pages were served to the wrong pupil across 37 schools in four regions. What we did:
            the cache was disabled at 11:05; the data protection authority was notified within
            72 hours; schools received the list of affected pupils. {CLOSE}""",
        ),
    ],
    # A6: Corrector IA 3 fails candidates at a language school placement test
    [
        rep(
            "developer", "2025-06-10", "2025-06-16",
            system("Corrector IA", "3.1", DEV, "Escuela Oficial de Idiomas de Cáceres"),
            ["ES"], "education", ["economic_property", "human_fundamental_rights"],
            "AD-INC/25/06: Corrector IA 3 speech transcription errors in placement test scoring",
            f"""Incident notice AD-INC/25/06, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: Corrector IA, version 3.1, oral-production module. What
            happened: at a public language school customer in Extremadura, the 10 June 2025
            English certification exam used Corrector IA to pre-score the speaking part. The
            speech recogniser was running with a Castilian Spanish accent profile that had been
            set for a different customer, and transcribed many candidates' answers as
            unintelligible. 83 candidates received a fail on the speaking part, which blocks the
            whole certificate. What we did: all 83 recordings were re-marked by examiners, of
            whom 61 passed; the accent profile is now locked per customer. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-06-10", "2025-06-20",
            system(None, None, None, "EOI Cáceres"),
            ["ES"], "education", ["economic_property"],
            "Suspendida en el oral por una máquina: necesito el B2 para mi plaza",
            """Me presenté al B2 de inglés en la Escuela de Idiomas el día 10 y me han
            suspendido la parte oral con un 2. Llevo años dando clase particular de inglés y
            necesito el certificado antes del 30 de junio para una plaza de interina. Cuando
            pedí la revisión me dijeron que la primera nota 'la pone un sistema automático'.
            ¿Cómo puede una máquina decidir si hablo inglés? Si pierdo la plaza es un año de
            sueldo. Lucía Pizarro Galán, tel. 600 000 118""",
        ),
        rep(
            "journalist", "2025-06-11", "2025-06-27",
            system("Corrector", None, None, "Escuela Oficial de Idiomas"),
            ["ES"], "public_administration", ["economic_property"],
            "Language school re-marks 83 oral exams after software failed speakers",
            """An official language school in Cáceres has re-marked the English speaking
            exams of 83 candidates after it emerged that an automated scoring tool had failed
            almost all of them. The school's director said the software, supplied by a Valencia
            company, was meant only to 'pre-sort' recordings for examiners, but in practice the
            pre-scores were published. Sixty-one candidates passed on re-marking. The regional
            education department said it would review the use of automated marking in public
            exams.""",
            references=["https://www.extremaduradigital.example/2025/06/27/eoi-caceres-examen-oral"],
        ),
    ],
    # A7: VigilaExam lockdown browser crash loses answers
    [
        rep(
            "developer", "2025-09-15", "2025-09-15",
            system("VigilaExam", "4.6", DEV, "Academia Oposita Plus"),
            ["ES"], "education", ["economic_property", "psychological"],
            "AD-INC/25/07: VigilaExam secure browser crash lost answers in mock civil-service exam",
            f"""Incident notice AD-INC/25/07, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: VigilaExam secure browser, version 4.6. What happened:
            on 15 September 2025, during a timed mock civil-service exam run by a private
            academy customer, the secure browser terminated for candidates whose operating
            system installed an update mid-exam. Answers were held only in memory and 430
            candidates lost between 20 and 90 minutes of work. The AI component that flagged
            the restart as a 'possible attempt to leave the exam' then locked them out. What we
            did: answers are saved every 30 seconds; a restart no longer triggers a lock-out.
            {CLOSE}""",
        ),
    ],
    # A8: Tutoria+ reveals a pupil's special-needs status; follow-up months later
    [
        rep(
            "developer", "2025-10-06", "2025-10-08",
            system("Tutoría+", "2.0", DEV, "Instituto Santa Quiteria"),
            ["ES"], "education", ["human_fundamental_rights", "psychological"],
            "AD-INC/25/08: Tutoría+ mentioned a pupil's learning support plan in group chat",
            f"""Incident notice AD-INC/25/08, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: Tutoría+, version 2.0 (group study rooms). What
            happened: on 6 October 2025 in a group study room of a secondary school customer in
            Zaragoza, the assistant answered a question from one pupil by saying that the
            exercise had been 'adapted for your learning support plan', in view of five
            classmates. The adapted-task flag from the school's records was passed into the
            shared conversation context. What we did: group rooms no longer receive individual
            adaptation data; the school and the pupil's family were informed. {CLOSE}""",
        ),
        rep(
            "affected_party", "2025-10-06", "2025-10-13",
            system("chatbot de deberes", None, None, "IES Santa Quiteria"),
            ["ES"], "education", ["psychological", "human_fundamental_rights"],
            "El chat del instituto contó a toda la clase que mi hijo tiene adaptación curricular",
            """Mi hijo tiene 13 años y una adaptación curricular por dislexia, algo que
            habíamos pedido que no se supiera en clase. El lunes pasado, en el chat de grupo
            para hacer deberes que usa el instituto, el asistente le dijo delante de sus
            compañeros que su ejercicio estaba 'adaptado a tu plan de apoyo'. Desde entonces le
            llaman 'el adaptado' y no quiere volver al aula. El centro dice que es cosa de la
            empresa. Pedimos que se borren esos mensajes y que se nos diga quién más tiene
            acceso a esos datos. Rosa Elvira Candial (madre)""",
        ),
        rep(
            "developer", "2025-10-06", "2026-02-02",
            system("Tutoría+", "2.0 / 2.2", DEV, "Instituto Santa Quiteria"),
            ["ES"], "education", ["human_fundamental_rights"],
            "AD-INC/25/08 update: audit of adaptation data exposure in group study rooms",
            f"""Incident notice AD-INC/25/08, update of 2 February 2026, issued by Aulario
            Digital S.L., Trust & Safety Office, Valencia. This updates our October notice on
            the learning-support disclosure at a secondary school in Zaragoza. New findings from
            the external audit: the same context leak could occur in every group room opened
            since version 2.0 (August 2025); logs show 19 further conversations in 7 schools in
            which an adaptation was mentioned to a group, none reported at the time. All
            19 families have now been contacted and the data protection authority informed.
            Version 2.2 separates individual and group context by design. {CLOSE}""",
        ),
    ],
    # A9: VigilaExam room scan flags religious headwear
    [
        rep(
            "developer", "2025-11-20", "2025-11-24",
            system("VigilaExam", "4.7", DEV, "Universidad Abierta de Levante"),
            ["ES"], "education", ["human_fundamental_rights"],
            "AD-INC/25/09: VigilaExam 'ear covered' alerts for candidates wearing headscarves",
            f"""Incident notice AD-INC/25/09, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: VigilaExam, version 4.7, new earpiece-detection feature.
            What happened: after the feature was enabled on 20 November 2025, candidates whose
            ears were covered by a headscarf received 'possible earpiece' alerts on every exam.
            A university customer in the Valencian Community counted 38 such alerts in the first
            week; customers were asked to review them manually, and we know of no sanction.
            What we did: feature switched off pending redesign with an opt-in pre-exam check.
            {CLOSE}""",
        ),
    ],
    # A10: Corrector IA 3 plagiarism false positives from a shared template
    [
        rep(
            "developer", "2026-02-09", "2026-02-12",
            system("Corrector IA", "3.4", DEV, "Colegio Río Cabe"),
            ["ES"], "education", ["reputational", "psychological"],
            "AD-INC/26/01: Corrector IA similarity check flagged essays built on school's own template",
            f"""Incident notice AD-INC/26/01, issued by Aulario Digital S.L., Trust & Safety
            Office, Valencia. System: Corrector IA, version 3.4, similarity module. What
            happened: on 9 February 2026 a secondary school customer in Ourense ran its
            baccalaureate research-project drafts through the similarity check. Because every
            pupil had used the headings and guidance text of the school's own template, 41 of
            52 drafts were marked 'high similarity — possible plagiarism' and the report was
            forwarded to parents before teachers saw it. What we did: customer templates can now
            be excluded from the comparison; similarity reports are no longer sent outside the
            school staff by default. {CLOSE}""",
        ),
    ],
]
# fmt: on
