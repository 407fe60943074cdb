"""The phrase grammars of screening that need more than a word list.

Threats (intent, a few words of slack, a violent verb, a person or a place), allegations of
misconduct against staff, contact details written to dodge filters, and links. Patterns run on
the views of ``portal.screening_text`` (named at each pattern in ``portal.screening``); every
quantifier is bounded and no repetition nests another unbounded one, so matching stays linear.
"""

from __future__ import annotations

import re

__all__ = [
    "ALLEGATION",
    "ALLEGATION_GATE",
    "EMAIL",
    "MOBILE",
    "OBFUSCATED_EMAIL",
    "OBFUSCATED_EMAIL_GATE",
    "ORGANISATION_CUE",
    "PERSONAL_CUE",
    "PHONE",
    "SCHEMELESS_LINK",
    "SHORT_LINK",
    "THREAT",
]


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


_TAIL = r"(?:\s+[\w'&.-]{1,30}){0,3}"
_URL_REST = r"[^\s<>\"')\]]"

# --- threats -------------------------------------------------------------------------------
_SUBJECT = r"\b(?:i|we|someone|somebody|some1|some\s+one|some\s+of\s+us|people|they)"
_INTENT = (
    r"(?:'ll|'d|\s+(?:will|shall|would|should|must|could|might|gonna|wanna|need\s+to|"
    r"needs\s+to|ought\s+to|wants?\s+to|plan\s+to|intend\s+to|swear\s+i'?ll|promise\s+i'?ll)|"
    r"(?:'m|m|'re|\s+am|\s+are|\s+is)(?:\s+(?:really|honestly|seriously|actually|literally|"
    r"just|definitely|totally|so))?\s+(?:going\s+to|gonna|coming\s+to|about\s+to|"
    r"planning\s+to|ready\s+to))\b"
)
# Words between the intent and the verb: "I will honestly, one day, find you and hurt you".
# Negations end the phrase ("I would never hurt you").
_SLACK = r"(?:[\s,]+(?!(?:never|not|no|nobody|don'?t|won'?t|wouldn'?t)\b)[\w']{1,20}){0,6}?"
_PERSON_NOUN = (
    r"dean|lecturers?|professors?|prof|tutors?|supervisors?|teachers?|staff|head|provost|vc|"
    r"vice[- ]chancellor|principal|chancellor|warden|director|chair|moderators?|admins?|"
    r"organisers?|students?|president|officer|registrar|librarian|manager|boss|coach|"
    r"people|guys?|lads?|blokes?|girls?|boys?|men|women|kids?|family|lot|team|idiots?|"
    r"person|one|woman|man"
)
_TITLE_NAME = (
    r"(?:dr|prof|professor|mr|mrs|ms|miss|mx)\.?\s+[a-z][\w'-]{1,30}(?:\s+[a-z][\w'-]{1,30})?"
)
_PERSON = (
    r"(?:you|u|ya|yourself|urself|yourselves|him|her|them|everyone|everybody|all\s+of\s+"
    r"(?:you|u|them)|you\s+all|y'?all|each\s+(?:and\s+every\s+)?one\s+of\s+(?:you|them)|"
    r"every\s+(?:last\s+|single\s+)?one\s+of\s+(?:you|them)|(?:your|his|her)\s+"
    r"(?:family|kids|children|wife|husband|mum|mom|dad|sister|brother|girlfriend|boyfriend)|"
    rf"(?:the|that|this|our|your|my)\s+(?:[\w-]{{1,20}}\s+)?(?:{_PERSON_NOUN})|{_TITLE_NAME})"
)
_PERSON_VERB = (
    r"hurt|kill|murder|stab|shoot|punch|strangle|choke|batter|slap|rape|behead|knife|glass|"
    r"slash|maim|torture|assault|attack|jump|smash|hang|lynch|bury|end|beat\s+up|batter|"
    r"cut|run\s+over|kick\s+the\s+shit\s+out\s+of|beat\s+the\s+shit\s+out\s+of|"
    r"put\s+a\s+bullet\s+in|put\s+a\s+knife\s+in"
)
# "I'll shoot you an email", "cut you some slack", "kill them with kindness".
_NOT_VIOLENT_AFTER = (
    r"(?!\s+(?:an?|the|some|that|this|slack|with\s+kindness|a\s+(?:message|text|line|email)|"
    r"over\s+to|in\s+on|through\s+to|up\s+(?:later|tomorrow|on)|at\s+(?:chess|fifa|pool|darts|"
    r"the\s+quiz|cards|tennis)|to\s+it|for\s+(?:this|that|it))\b)"
)
_PLACE = (
    r"campus|building|library|office|offices|lecture\s+(?:hall|theatre|room)s?|halls?|"
    r"union|su|school|uni|university|college|department|faculty|canteen|refectory|chapel|"
    r"mosque|synagogue|church|temple|gurdwara|stadium|station|labs?|event|ceremony|"
    r"graduation|open\s+day|lecture|seminar|exam\s+hall|place|house|home|flat|car|shop|"
    r"bar|pub|club|centre|center|quad|residence|accommodation|rally|protest|vigil|march"
)
_PLACE_PHRASE = (
    r"(?:the|this|that|your|their|our|his|her|tomorrow'?s|next\s+week'?s|friday'?s)\s+"
    rf"(?:[\w'-]{{1,25}}\s+){{0,2}}?(?:{_PLACE})\b"
)
_PLACE_VERB = (
    r"bomb|blow\s+up|burn\s+down|torch|shoot\s+up|firebomb|petrol\s+bomb|set\s+fire\s+to|"
    r"set\s+alight|raze|smash\s+up|drive\s+(?:a|my|the)\s+"
    r"(?:car|van|truck)\s+into"
)
_WEAPON = (
    r"guns?|knife|knives|bombs?|explosives?|machetes?|acid|weapons?|rifles?|shotgun|"
    r"pipe\s+bombs?|petrol|grenades?|axe|crossbow"
)
THREAT = _rx(
    # Intent, slack, verb, person: "I'm going to find you after class and hurt you".
    rf"{_SUBJECT}{_INTENT}{_SLACK}[\s,]+(?:{_PERSON_VERB})\s+{_PERSON}\b{_NOT_VIOLENT_AFTER}",
    rf"{_SUBJECT}{_INTENT}{_SLACK}[\s,]+(?:break|smash|kick|punch|cave|slit|snap)\s+"
    r"(?:your|his|her|their)\s+(?:\w+\s+)?(?:neck|legs?|arms?|jaw|face|head|skull|teeth|"
    r"throat|nose|ribs|knees?)\b",
    rf"{_SUBJECT}{_INTENT}{_SLACK}[\s,]+(?:knock|beat|kick)\s+{_PERSON}\s+"
    r"(?:out|senseless|unconscious|to\s+death|black\s+and\s+blue|to\s+a\s+pulp|in)\b",
    # Violent intent towards a place, with or without a subject: "bomb the library".
    rf"{_SUBJECT}{_INTENT}{_SLACK}[\s,]+(?:{_PLACE_VERB})\s+{_PLACE_PHRASE}",
    rf"\b(?:bomb|blow\s+up|burn\s+down|torch|shoot\s+up|firebomb|petrol\s+bomb|set\s+fire\s+to)"
    rf"\s+{_PLACE_PHRASE}",
    rf"\b(?:blow|burn)\s+{_PLACE_PHRASE}\s+(?:up|down|to\s+the\s+ground)\b",
    r"\b(?:bring(?:ing)?|take|taking|plant(?:ing)?|carry(?:ing)?|leave|leaving|hide|hiding|"
    rf"put(?:ting)?)\s+(?:a|an|my|some|the|his|her)\s+(?:[\w']{{1,20}}\s+)?(?:{_WEAPON})\s+"
    r"(?:to|into|in|at|on|"
    rf"inside|round|under)\s+(?:the\s+|this\s+|that\s+|your\s+)?(?:[\w'-]{{1,25}}\s+){{0,2}}?"
    rf"(?:{_PLACE})\b",
    r"\b(?:coming|come|turn(?:ing)?\s+up|show(?:ing)?\s+up|walk(?:ing)?)\s+(?:in)?to\s+"
    rf"{_PLACE_PHRASE}\s+with\s+(?:a|an|my|some)\s+(?:[\w']{{1,20}}\s+)?(?:{_WEAPON})\b",
    r"\bthere(?:'s|\s+is|'ll\s+be|\s+will\s+be|\s+is\s+going\s+to\s+be|'s\s+going\s+to\s+be)"
    r"\s+(?:a\s+)?(?:bomb|shooting|massacre|bloodbath|explosion|stabbing)\s+(?:at|in|on|"
    rf"during)\b{_TAIL}",
    # Threats without "I": wishes, warnings and third parties.
    rf"\b(?:kill|murder|stab|strangle|rape|behead)\s+(?:you|u|yourself|urself|him|her|"
    rf"them|everyone|all\s+of\s+you|your\s+family)\b{_NOT_VIOLENT_AFTER}",
    r"\byou\s+(?:deserve|ought|need|should|are\s+going)\s+to\s+(?:die|suffer|be\s+"
    r"(?:killed|shot|hurt|raped|hanged|beaten|stabbed))\b",
    r"\b(?:deserves?|ought|needs?|should)\s+(?:to\s+)?be\s+(?:shot|killed|stabbed|hanged|"
    r"lynched|beaten|murdered|executed|raped|strung\s+up|burn(?:ed|t)\s+alive|bombed|"
    r"burn(?:ed|t)\s+down|torched|blown\s+up)\b(?!\s+down)",
    rf"\bhope\s+(?:he|she|they|{_PERSON})\s+(?:die|dies|suffers?|rots?|gets?\s+(?:killed|hurt|"
    r"raped|shot|stabbed|cancer|run\s+over))\b",
    r"\byou\s+won'?t\s+(?:walk|make\s+it|get)\s+out\s+(?:alive|in\s+one\s+piece)\b|"
    r"\byou\s+won'?t\s+walk\s+out\b(?!\s+(?:of|early|on|before))|\byou\s+won'?t\s+live\s+to\s+see\b",
    r"\byou(?:'ll|\s+will|'re\s+going\s+to|\s+are\s+going\s+to|'re\s+gonna)\s+(?:get|be)\s+"
    r"(?:hurt|stabbed|shot|killed|beaten|battered|jumped|glassed|done\s+in)\b",
    r"\bi\s+know\s+where\s+(?:you|u|he|she|they)\s+(?:live|lives|work|works|sleep|sleeps|"
    r"park|parks)\b|\bwatch\s+your\s+back\b|\b(?:go\s+)?kys\b|\byour\s+days\s+are\s+numbered\b",
    r"\byou(?:'re|\s+are)\s+(?:a\s+)?dead\s+(?:man|woman|meat)\b|\byou(?:'ll|\s+will)\s+pay\s+"
    r"for\s+(?:this|that)\b|\bsleep\s+with\s+one\s+eye\s+open\b|\byou(?:'re|\s+are)\s+next\b",
)

# --- allegations of misconduct against staff -----------------------------------------------
_STAFF_NOUN = (
    r"lecturers?|professors?|prof|tutors?|supervisors?|teachers?|deans?|head\s+of\s+"
    r"(?:department|school|year)|hod|wardens?|porters?|members?\s+of\s+staff|staff\s+members?|"
    r"academics?|vice[- ]chancellor|vc|provost|registrars?|librarians?|counsellors?|"
    r"advis[eo]rs?|security\s+guards?|teaching\s+assistants?|tas?|module\s+(?:leaders?|"
    r"convenors?)|course\s+(?:leaders?|directors?)|programme\s+directors?|examiners?|"
    r"coach(?:es)?|staff"
)
_STAFF = (
    r"\b(?:(?:my|our|the|this|that|one|a|an|his|her|their)\s+(?:[\w-]{1,20}\s+){0,2}?"
    rf"(?:{_STAFF_NOUN})|{_TITLE_NAME})"
    # "a porter in Carr-Saunders hall", "the security guard at the library"
    r"(?:\s+(?:in|at|from|on|of)\s+(?:the\s+)?[\w-]{1,25}(?:\s+[\w-]{1,25})?)?"
)
_VICTIM = (
    r"(?:me|her|him|us|them|students|women|girls|people|staff|(?:a|my|one|several|two|three|"
    r"female|male|international|other|younger|first[- ]year|his|her|their)\s+(?:[\w-]{1,20}\s+)?"
    r"(?:students?|friends?|classmates?|flatmates?|colleagues?|girls|women|tutees|"
    r"supervisees|sister|brother|daughter|son|partner|girlfriend|boyfriend|wife|husband))"
)
_ABUSE_ACTIVE = (
    r"(?:sexually\s+|repeatedly\s+|physically\s+|verbally\s+)?(?:harass(?:ed|ing|es)|"
    r"assault(?:ed|ing|s)|grop(?:ed|ing|es)|abus(?:ed|ing|es)|bull(?:ied|ying|ies)|"
    r"molest(?:ed|ing|s)|stalk(?:ed|ing|s)|rap(?:ed|ing|es)|proposition(?:ed|ing|s)|"
    r"threaten(?:ed|ing|s)|intimidat(?:ed|ing|es)|coerc(?:ed|ing|es)|blackmail(?:ed|ing|s)|"
    r"exploit(?:ed|ing|s)|touch(?:ed|ing|es)|hit|hits|hitting|spiked|spiking|groomed|grooming|"
    r"manhandl(?:ed|ing|es)|grabb(?:ed|ing)|grabs|shov(?:ed|ing|es)|slapp(?:ed|ing)|slaps|"
    r"punch(?:ed|ing|es)|kick(?:ed|ing|s)|spat\s+at)"
)
_ABUSE_PASSIVE = (
    r"(?:sexually\s+)?(?:harassed|assaulted|groped|abused|bullied|molested|stalked|raped|"
    r"touched\s+inappropriately|touched|propositioned|threatened|intimidated|coerced|"
    r"blackmailed|exploited|discriminated\s+against|victimi[sz]ed|hit|spiked|groomed|"
    r"called\s+(?:a\s+)?(?:slur|racial\s+slur|the\s+n[- ]word))"
)
# Every allegation names a member of staff: texts without one skip the grammar (speed only).
ALLEGATION_GATE = _rx(rf"\b(?:{_STAFF_NOUN})\b", r"\b(?:dr|prof|professor|mr|mrs|ms|miss|mx)\b")
ALLEGATION = _rx(
    rf"{_STAFF}(?:\s+(?:has|have|had|is|was|were|keeps|kept|has\s+been|had\s+been|"
    rf"have\s+been|literally|openly|constantly|always|then|also)){{0,2}}\s+{_ABUSE_ACTIVE}"
    rf"\s+{_VICTIM}\b",
    rf"{_STAFF}(?:\s+\w+){{0,6}}?\s+called\s+{_VICTIM}\s+(?:a\s+)?(?:racial\s+|homophobic\s+)?"
    r"(?:slur|the\s+n[- ]word|the\s+p[- ]word|the\s+f[- ]word|paki|n[i1]gg\w{1,3}|f[a@]gg?ot)\b",
    rf"\b{_ABUSE_PASSIVE}\s+by\s+(?:one\s+of\s+)?{_STAFF}\b",
    rf"\breported\s+{_STAFF}\s+(?:to\s+[\w\s]{{1,30}}?\s+)?for\s+(?:sexual\s+|racial\s+)?"
    r"(?:harassment|assault|bullying|misconduct|abuse|racism|stalking|groping|intimidation)\b",
    rf"{_STAFF}(?:\s+\w+){{0,2}}?\s+(?:threaten(?:ed|s|ing)|tried)\s+to\s+(?:fail|expel|report|"
    rf"deport|hurt|sack|kick\s+out|withdraw|punish)\s+{_VICTIM}",
    rf"{_STAFF}(?:\s+\w+){{0,3}}?\s+(?:making|made|makes|posting|posted|posts|sending|sent|"
    r"sends|telling|told|tells)\s+(?:\w+\s+)?(?:racist|sexist|homophobic|transphobic|"
    r"antisemitic|islamophobic|sexual|inappropriate|lewd|explicit|creepy)\s+(?:comments|"
    r"remarks|jokes|advances|messages|texts|photos|pictures)\b",
    rf"{_STAFF}(?:\s+\w+){{0,2}}?\s+(?:is|was|has\s+been|keeps|kept|got\s+caught|been)\s+"
    r"(?:\w+\s+)?(?:sleeping\s+with|having\s+(?:an\s+)?(?:affair|relationship|sex)\s+with|"
    r"dating|hooking\s+up\s+with)\s+(?:a\s+|his\s+|her\s+|their\s+|one\s+of\s+(?:his|her|"
    r"their|the|my)\s+)?(?:[\w-]{1,20}\s+){0,2}(?:students?|tutees?|supervisees?|undergrads?)\b",
    rf"{_STAFF}(?:\s+\w+){{0,2}}?\s+(?:sells?|selling|sold|changes|changed|changing|fix(?:es|ed|"
    r"ing)|fiddl(?:es|ed|ing)|inflat(?:es|ed|ing)|rig(?:s|ged|ging)|takes|took|taking|accepts|"
    r"accepted|accepting|asks\s+for|asked\s+for|demanded|steals|stole|stealing|plagiari[sz]ed|"
    r"took\s+credit\s+for)\s+(?:\w+\s+)?(?:grades|marks|results|bribes|backhanders|kickbacks|"
    r"cash\s+for|money\s+for|sexual\s+favours|my\s+(?:research|work|thesis|data|paper|"
    r"dissertation|ideas?|findings))\b",
    rf"{_STAFF}(?:\s+\w+){{0,2}}?\s+(?:abused|abuses|abusing|misused|misuses)\s+(?:his|her|their)\s+"
    r"(?:position|power|authority)\b",
    rf"{_STAFF}(?:\s+\w+){{0,2}}?\s+(?:spiked|spikes|spiking)\s+(?:my|her|his|their|a|our|"
    r"someone's|people's|students')\s+drinks?\b",
    rf"{_STAFF}(?:\s+\w+){{0,2}}?\s+(?:is|was|is\s+literally|is\s+basically|is\s+a\s+known)\s+"
    r"(?:a\s+)?(?:sexual\s+|known\s+|total\s+|serial\s+)?(?:predator|paedophile|pedophile|"
    r"pedo|nonce|sex\s+pest|groomer|racist|sexual\s+harasser|abuser|bully|drunk\s+in\s+"
    r"(?:class|lectures|seminars))\b",
    r"\b(?:cover(?:ed|ing|s)?\s+up|ignor(?:ed|ing|es)|buri(?:ed|es)|swept|sweeping|hush(?:ed|"
    r"ing)\s+up)\s+(?:\w+\s+){0,3}?(?:complaints?|allegations?|reports?|what|the\s+fact)\s+"
    rf"(?:\w+\s+){{0,4}}?(?:about|against|that)\s+(?:(?:my|our|the|this|that|one\s+of\s+"
    rf"(?:the|our|their))\s+(?:[\w-]{{1,20}}\s+){{0,2}}?(?:{_STAFF_NOUN})|{_TITLE_NAME})\b",
)

# --- contact details ---------------------------------------------------------------------
_ROLE_MAILBOX = (
    r"(?!(?:info|alumni|events?|social|comms|marketing|admin|enquiries|contact|hello|office|"
    r"support|help|no-?reply|press|media|membership|team|careers|jobs|ceremonies|graduation|"
    r"library|accommodation|security|reception|registry|student-?services|wellbeing|"
    r"disability|finance|fees|hr|it|helpdesk|servicedesk|feedback|complaints|admissions|"
    r"sales|orders|bookings|tickets|society|secretary|president|treasurer|chair|webmaster|"
    r"studentunion|su|union)\b)"
)
EMAIL = _rx(
    # Role mailboxes (events@, alumni@ ...) identify no individual, so they are not flagged.
    rf"(?<![\w.+-]){_ROLE_MAILBOX}[\w.+-]{{1,64}}@[\w-]{{1,63}}(?:\.[\w-]{{1,63}}){{1,8}}",
)
_AT_WORD = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s+@\s*|\s*@\s+)"
_DOT_WORD = r"(?:\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+|\s+\.\s+)"
_DOT_ANY = rf"(?:{_DOT_WORD}|\.)"
_TLD = r"com|org|net|uk|io|me|info|biz|edu|gov|ie|us|eu|ca|au|de|fr|nl|es|it|in|app|dev|xyz|co"
_LOCAL = r"[a-z0-9_+-]{1,40}(?:(?:\.|\s+dot\s+|\s*[\[(]\s*dot\s*[\])]\s*)[a-z0-9_+-]{1,40}){0,3}"
_MAIL_PROVIDER = (
    r"gmail|googlemail|hotmail|outlook|yahoo|icloud|live|aol|proton(?:mail)?|btinternet|"
    r"sky|virginmedia|ymail|gmx|me|mail|msn"
)
# Every obfuscated address has a bracketed or spaced "at" or "@" (speed only).
OBFUSCATED_EMAIL_GATE = _rx(r"[\[({<]\s*at\s*[\])}>]|\s@|@\s|\sat\s")
OBFUSCATED_EMAIL = _rx(
    # "jane[at]example(dot)com", "jane dot doe at uni dot ac dot uk", "jane at gmail.com".
    rf"(?<![\w.+-]){_ROLE_MAILBOX}{_LOCAL}\s*[\[({{<]\s*at\s*[\])}}>]\s*[a-z0-9-]{{1,63}}"
    rf"(?:{_DOT_ANY}[a-z0-9-]{{1,63}}){{0,3}}{_DOT_ANY}(?:{_TLD})\b",
    rf"(?<![\w.+-]){_ROLE_MAILBOX}{_LOCAL}{_AT_WORD}[a-z0-9-]{{1,63}}"
    rf"(?:{_DOT_ANY}[a-z0-9-]{{1,63}}){{0,3}}{_DOT_WORD}(?:{_TLD})\b",
    rf"(?<![\w.+-]){_ROLE_MAILBOX}{_LOCAL}{_AT_WORD}(?:{_MAIL_PROVIDER}){_DOT_ANY}"
    rf"(?:[a-z]{{2,6}}{_DOT_ANY})?(?:{_TLD})\b",
)
PHONE = _rx(
    # UK numbers: 07700 900123, (020) 7946 0018, +44 (0)20 7946 0018, +44 7700-900-123.
    r"(?<![\w+(])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?\(?|\(?0)[1-37-9]"
    r"(?:\)?[ .-]?\(?\d){8,9}(?!\d)(?![.-]\d)",
)
MOBILE = re.compile(r"(?:\+|00)?\s?(?:44\s?(?:\(0\)\s?)?)?\(?0?7")
ORGANISATION_CUE = _rx(
    r"\b(?:service\s+desk|help\s?desk|helpline|nightline|hotline|switchboard|reception|"
    r"freephone|samaritans|nhs|police|porters'?\s+lodge)\b",
    r"\bthe\s+(?:[\w-]{1,20}\s+){0,3}(?:office|team|service|centre|desk)\b",
)
PERSONAL_CUE = _rx(r"\b(?:personal|private|mobile|home|his|her|my|mate|landlord|ex|mum|dad)\b")

# --- links -------------------------------------------------------------------------------
_SHORTENER_TLD = {
    "bit": "ly", "tinyurl": "com", "t": "co|ly", "goo": "gl", "ow": "ly", "is": "gd",
    "buff": "ly", "cutt": "ly", "rb": "gy", "shorturl": "at", "tiny": "cc", "rebrand": "ly",
    "v": "gd", "s": "id", "lnkd": "in", "shorte": "st", "adf": "ly", "qr": "ae",
}  # fmt: skip
_SHORT_HOSTS = (
    "|".join(rf"{host}{_DOT_ANY}(?:{tld})" for host, tld in _SHORTENER_TLD.items())
    + rf"|bit{_DOT_ANY}do"
)
SHORT_LINK = _rx(
    rf"(?<![\w.@-])(?:h(?:tt|xx)ps?://)?(?:www\.)?(?:{_SHORT_HOSTS})\s*(?:/|\s+slash\s+)"
    rf"{_URL_REST}{{1,200}}",
)
_RISKY_TLD = (
    r"xyz|top|click|loan|win|bid|tk|ml|ga|cf|gq|work|buzz|icu|cam|rest|cyou|sbs|country|"
    r"stream|download|racing|review|party|trade|date|men|kim|monster|quest|surf|lat"
)
SCHEMELESS_LINK = _rx(
    # Sites on throwaway domains, written with or without a scheme ("prizes-now.xyz/claim").
    rf"(?<![\w.@-])(?:h(?:tt|xx)ps?://)?(?:www\.)?(?:[a-z0-9-]{{1,63}}{_DOT_ANY}){{1,4}}"
    rf"(?:{_RISKY_TLD})\b(?:/{_URL_REST}{{0,200}})?",
    # A bare IP address with a path, or a link written as "hxxp".
    rf"(?<![\w.])(?:\d{{1,3}}\.){{3}}\d{{1,3}}(?::\d{{1,5}})?/{_URL_REST}{{0,200}}",
    rf"\bhxxps?://{_URL_REST}{{1,200}}",
)
