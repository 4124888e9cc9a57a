"""Small hand-kept word sets: titles, organisation words, product nouns, non-names.

They are generic English (and a few other languages'): nothing here is tuned to particular
people, companies or systems.
"""

from __future__ import annotations

from incidents.public.redaction.text import word_set

TITLES = word_set(
    """
    dr mr mrs ms mx miss prof professor nurse sister matron judge justice officer constable
    pc sgt sergeant detective inspector captain capt rev reverend father sir dame lady lord
    mme mlle madame monsieur herr frau señor senor señora senora sr sra srta dott dra ir
    councillor cllr senator rep minister president mayor chief coach doctor dean principal
    imam rabbi pastor engr eng hon midwife paramedic pharmacist driver uncle aunt auntie
    grandma grandpa
    """
)

#: Last words of organisation names ("Brightwater Bank", "Kestrel Labs", "Halden Mutual").
ORG_WORDS = word_set(
    """
    ltd limited inc incorporated llc llp plc gmbh ag sa sas sarl srl spa bv nv ab oy kk kg
    pty pte pvt co corp corporation company group holdings partners associates bank banks
    banking savings credit union mutual insurance assurance finance financial capital
    payments pay exchange markets invest investments trust fund funds labs lab laboratories
    analytics retail retailers stores store shops supermarkets games gaming toys mobility
    motors automotive clinics clinic hospital hospitals health healthcare telehealth medical
    care pharmacy pharmaceuticals pharma chemists biotech therapeutics logistics freight
    shipping transit transport transportation rail railways airways airlines air aviation
    energy power utilities water gas electric electricity oil mining steel chemicals legal
    law solicitors attorneys district council borough county agency authority ministry
    department bureau commission office services service solutions systems technologies
    technology tech software networks network telecom telecoms communications wireless
    broadband media news press publishing studios studio digital data cloud robotics
    dynamics industries manufacturing foods farms agritech agriculture recruiting
    recruitment staffing payroll benefits lettings realty properties estates homes housing
    hotels resorts travel tours rentals consulting consultancy advisors advisory university
    college school schools academy institute foundation society association federation
    league club board police court tribunal committee cooperative ventures security defence
    defense platforms apps works worldwide international global solutions electronics
    semiconductors aerospace marine ports construction engineering architects design
    marketing advertising education learning library museum church charity hub collective
    alliance consortium council
    """
)
ORG_WORDS |= word_set(
    """
    maritime logistik energi shipping hotels airport port foods brewery bakery garage
    ventures gallery theatre cinema centre center initiative programme project observatory
    institution commission network lab brothers sons
    """
)


#: Nouns for AI products: a capitalised name right after one is a system or persona.
PRODUCT_NOUNS = word_set(
    """
    assistant assistants agent agents chatbot chatbots bot bots interface avatar persona
    copilot companion model models tool app application robot system platform feature widget
    scribe planner classifier detector camera wearable device speaker drone systems tools
    apps platforms features devices robots cameras screen filter engine scanner checker
    monitor controller algorithm pipeline matcher ranker scorer generator transcriber
    summariser summarizer recommender optimiser optimizer predictor estimator software
    program programme module plugin extension product products
    """
)

#: Capitalised words that are never a person's name in this kind of text.
NON_NAMES = word_set(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday christmas easter ramadan eid
    diwali english french german spanish italian portuguese dutch polish swedish norwegian
    danish finnish greek turkish arabic hebrew persian hindi urdu bengali tamil telugu
    korean japanese chinese mandarin cantonese vietnamese thai indonesian malay filipino
    tagalog swahili yoruba igbo hausa zulu xhosa amharic russian ukrainian czech hungarian
    romanian british american canadian australian european african asian indian irish
    scottish welsh kenyan nigerian ghanaian brazilian mexican korean emirati saudi israeli
    muslim christian jewish hindu buddhist sikh catholic ai ml llm gpt api ceo cto cfo coo
    hr it ui ux id iban ssn gdpr eu uk us usa un who nhs covid internet web email e-mail
    online offline wi-fi bluetooth android ios windows linux dari pashto farsi punjabi
    gujarati marathi kannada malayalam nepali sinhala burmese khmer lao mongolian kazakh
    uzbek azerbaijani georgian armenian albanian serbian croatian bosnian slovak slovenian
    bulgarian latvian lithuanian estonian icelandic maltese somali oromo tigrinya
    kinyarwanda shona afrikaans quechua guarani creole he she they we it i you him her his
    hers them their our his one someone anyone everyone nobody staff
    """
)

# Function words: never a name, whatever a name list scraped from the web says ("The").
NON_NAMES |= word_set(
    """
    the a an this that these those there here during after before when whenever while if
    but and or nor for from in on at by with as so then also however meanwhile although
    though because since until once all both each every no not none some any several many
    most our their its his her my your we they what which who whom whose where why how
    later earlier today yesterday tomorrow now still yet again instead despite between
    under over about above below into onto upon within without across along among around
    per via according following including regarding concerning unlike like than
    """
)
