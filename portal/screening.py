"""Policy screening engine shared by alumni-group requests and social-media moderation.

Screening *advises*, a person decides: every finding names the policy clause it maps to and
the exact text span that triggered it, so a staff reviewer can judge it in context.

Two rule sets:

* ``conduct`` (alumni-group event/communication requests) - 000 "Online Conduct": discrimination
  (¶1), promotion of other charities (¶3), unsolicited advertising and funding requests (¶4).
* ``moderation`` (comments on official accounts) - all of the above plus 001 profanity
  (§6.1.3-6.1.4), spam and shortened/malicious links (§4.7.4.7, §6.1.6), personal data
  (§4.7.4.6, §4.7.4.8), threats/harassment towards people and places (§4.7.4.1, §6.1.4) and
  allegations of misconduct against staff (§4.7.4.3), which go to senior management.

Text is screened raw (HTML is never parsed or evaluated). Rules match on normalised views of it
(``portal.screening_text``: NFKC, look-alike letters from other scripts, leetspeak, spelt-out
letters), and every finding's ``start``/``end`` index the *original* text, so the evidence is
exactly what the author wrote. The phrase grammars live in ``portal.screening_grammar``.
Every regex uses bounded quantifiers without nested repetition, so matching stays linear.
Profanity combines a word list (which names the word) with the ``profanity_check`` model,
called once per batch; the model confirms mild words and is a backstop for unlisted ones.

Findings for one rule code may carry a more specific label than ``RULES[code]`` (for example
"Personal data: email address"); compare findings on ``finding.rule.code``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from . import screening_grammar as grammar
from .screening_text import View, views

__all__ = ["RULES", "Finding", "Rule", "RuleSet", "rules_for", "screen", "screen_many"]

PROFANITY_THRESHOLD = 0.8  # the model confirms a listed mild word
MODEL_ONLY_THRESHOLD = 0.9  # the model alone, with no listed word, must be surer
_EXCERPT_CHARS = 80


class RuleSet(StrEnum):
    CONDUCT = "conduct"
    MODERATION = "moderation"


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    clause: str
    severity: int  # 1 low .. 5 critical
    # Where a person would usually send it: a ``Decision.ESCALATIONS`` target, or "".
    escalate_to: str = ""


@dataclass(frozen=True)
class Finding:
    rule: Rule
    evidence: str  # always text[start:end]
    start: int
    end: int


_DISCRIMINATION_LABEL = (
    "Possible discrimination (disability, age, race, gender, religion, sexuality)"
)
_CONDUCT_RULES = (
    Rule("discrimination", _DISCRIMINATION_LABEL, "000 Online Conduct ¶1", 4),
    Rule("charity_promotion", "Possible promotion of another charity", "000 Online Conduct ¶3", 2),
    Rule("advertising", "Possible unsolicited advertising", "000 Online Conduct ¶4", 3),
    Rule("funding_request", "Possible funding request", "000 Online Conduct ¶4", 3),
)
_MODERATION_ONLY = (
    Rule("profanity", "Profanity or insult", "001 §6.1.3, §6.1.4", 3),
    Rule("spam_link", "Spam or malicious link", "001 §4.7.4.7, §6.1.6", 4),
    Rule("personal_data", "Personal data", "001 §4.7.4.6, §4.7.4.8", 4),
    Rule("threat", "Possible threat or harassment", "001 §4.7.4.1, §6.1.4", 5),
    Rule(
        "allegation",
        "Allegation of misconduct against staff (escalate, do not answer in public)",
        "001 §4.7.4.3; 004 §6.1",
        4,
        escalate_to="senior_management",
    ),
)
RULES: Mapping[str, Rule] = MappingProxyType({r.code: r for r in _CONDUCT_RULES + _MODERATION_ONLY})


def rules_for(rule_set: RuleSet) -> tuple[Rule, ...]:
    """Rules applied for ``rule_set``, in a stable order."""
    if RuleSet(rule_set) is RuleSet.CONDUCT:
        return _CONDUCT_RULES
    return _CONDUCT_RULES + _MODERATION_ONLY


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


def _variant(code: str, label: str) -> Rule:
    return replace(RULES[code], label=label)


_TAIL = r"(?:\s+[\w'&.-]{1,30}){0,4}"  # up to four following words, so evidence names the target
_URL_REST = r"[^\s<>\"')\]]"
_GROUP = (
    r"(?:wo)?men|girls|boys|(?:fe)?males|gays?|lesbians|homosexuals|trans(?:gender)?\s+people|"
    r"muslims|jews|christians|hindus|sikhs|buddhists|atheists|blacks|whites|asians|"
    r"(?:black|white|old(?:er)?|disabled|gay|straight|trans|muslim|jewish|foreign|female|"
    r"international)\s+(?:people|students|applicants|members|staff)|immigrants|foreigners|migrants|"
    r"(?:the\s+)?disabled|wheelchair\s+users|pensioners|over[- ]?[4-7]0s"
)
_DISCRIMINATION = _rx(
    rf"\b(?:no|not\s+for)\s+(?:{_GROUP})\s+(?:allowed|welcome|need\s+apply|permitted)\b",
    rf"\b(?:{_GROUP})\s+(?:(?:need\s+not|should\s+not|shouldn't|cannot|can't|may\s+not|"
    r"are\s+not\s+allowed\s+to)\s+(?:be\s+(?:allowed|permitted)\s+to\s+)?(?:apply|attend|"
    r"join|come|study|vote|speak)|(?:are|is)\s+(?:all\s+|just\s+|"
    r"naturally\s+)?(?:inferior|subhuman|vermin|animals|parasites|filth|scum|terrorists|"
    r"criminals|lazy|unfit|a\s+disease|a\s+burden|too\s+emotional|worse\s+at))\b",
    r"\bonly\s+(?:white|christian|male|straight|young|able[- ]bodied|native[- ]born)\s+"
    r"(?:people|applicants|candidates|members|attendees|guests|speakers)\b",
    # Not "whites only": that is cricket kit.
    r"\b(?:white\s+people|christians|muslims|(?:wo)?men|(?:fe)?males)[- ]only\b",
    r"\bgo\s+back\s+to\s+(?:your\s+)?(?:own\s+)?(?:country|where\s+you\s+came\s+from)\b",
    rf"\b(?:{_GROUP})\s+(?:should\s+not|shouldn't|must\s+not|mustn't)\s+be\s+(?:allowed|permitted)"
    r"\s+(?:to\s+\w+|in|on|at|near)\b",
    r"\b(?:don'?t|do\s+not|never|stop)\s+(?:hire|hiring|admit|admitting|accept|accepting|let|"
    rf"letting|employ|employing|rent\s+to|serve|serving)\s+(?:in\s+)?(?:any\s+(?:more\s+)?)?"
    rf"(?:{_GROUP})\b",
    rf"\b(?:{_GROUP})\b[^.!?\n]{{0,60}}\bgo\s+(?:home|back)\b",
    r"\btoo\s+old\s+to\s+(?:apply|join|attend|be\s+hired)\b|\bno\s*(?:one|body)\s+over\s+\d\d\b",
    # Slurs are reported here (not as profanity): the harm is discrimination.
    r"\b(?:nigg(?:er|a)s?|faggots?|retard(?:s|ed)?|spastics?|spazz?|pakis?|chinks?|kikes?|"
    r"trann(?:y|ies)|wetbacks?|gooks?|towel[- ]?heads?|gypp?os?)\b",
)
_CHARITY = _rx(
    r"\bregistered\s+charity\s+(?:no\.?|number|num\.?|#)\s*:?\s*\d{6,8}(?:-\d{1,2})?\b",
    # Giving to the School itself is not promotion of *another* charity.
    r"\bdonat(?:e|ing)\s+(?:to|towards)\b(?!\s+(?:the\s+)?(?:school|university|lse|"
    r"alumni\s+fund|annual\s+fund)\b)"
    # Money for the writer ("donate to my gofundme", "to help my family") is a funding request.
    rf"(?!\s+(?:my|me|us|our\s+(?:trip|project|film|show|society)|help\s+(?:me|my|us|our))\b){_TAIL}",
    r"\b(?:support|sponsor|help|join|back)\s+(?:our|my|this)\s+(?:[\w'&-]+\s+){0,2}?"
    r"(?:charity|charities|foundation|appeal|ngo|cause)\b",
    rf"\bin\s+aid\s+of{_TAIL}",
    rf"\b(?:all\s+)?proceeds\s+(?:will\s+)?(?:go|goes)\s+to{_TAIL}",
    r"\bcharity\s+(?:fun\s+run|run|walk|auction|raffle|ball|gala|bake\s+sale|fundraiser|"
    r"challenge|appeal|skydive|bike\s+ride|quiz|concert|gig|dinner|sale|tournament|match|swim|"
    r"cycle|hike|trek|climb|sleep\s?out)\b",
    # Money raised for someone else: "raising money for Mind".
    r"\brais(?:e|es|ed|ing)\s+(?:money|funds|£\d[\d,]{0,9})\s+for\b(?!\s+(?:my|me|us|our|the\s+"
    r"(?:school|university|society|club|team|(?:student\s+)?hardship\s+fund|scholarships?|"
    rf"bursar(?:y|ies)|alumni\s+fund|annual\s+fund))\b){_TAIL}",
)
_ADVERTISING = _rx(
    r"\b(?:buy|order|shop)\s+now\b|\blimited[- ]time\s+(?:offer|deal|only)\b",
    r"\b\d{1,2}\s?%\s+off\s+(?:everything|your\s+(?:first\s+)?(?:order|purchase)|sitewide)\b",
    r"\b(?:discount|promo|coupon|voucher)\s+code\b|\buse\s+code\s+\w{3,20}\b",
    r"\bspecial\s+(?:offer|deal)\b|\bfree\s+(?:trial|consultation|quote|shipping)\b",
    r"\b(?:check\s+out|visit|try|buy|follow|subscribe\s+to)\s+(?:my|our)\s+(?:new\s+)?"
    r"(?:online\s+)?(?:[\w-]{1,15}\s+)?(?:shop|store|products?|services|course|app|agency|"
    r"consultancy|channel|etsy|depop|vinted|notes|ebook|merch)\b|\blike\s+and\s+subscribe\b",
    # Essay mills: "we write essays", "first class guaranteed", "assignment help 24/7".
    r"\b(?:we|i|our\s+(?:writers|experts|team|tutors))\s+(?:can\s+)?(?:write|do|complete|"
    r"finish)\s+(?:your\s+)?(?:essays?|assignments?|dissertations?|homework|coursework|exams?)\b",
    r"\b(?:professional|cheap|affordable|custom|expert)\s+(?:essay|assignment|dissertation|"
    r"homework|coursework|cv)\s+(?:writing\s+)?(?:help|services?|writers?)\b",
    r"\b(?:essay|assignment|dissertation|homework|coursework)\s+(?:writing\s+)?(?:help|services?|"
    r"writers?)\s+(?:available\s+)?(?:24/7|cheap|for\s+sale|guaranteed)",
    r"\b(?:first[- ]class|2:1|a\s+grade|pass)\s+guaranteed\b",
    r"\bhire\s+me\b|\bcontact\s+me\s+for\s+(?:all\s+)?your\b|\b(?:affiliate|referral)\s+link\b",
    r"\b(?:cheapest|affordable|best)\s+(?:prices|rates|deals)\b|\B#(?:ad|sponsored)\b",
    r"\bsponsored\s+(?:post|content)\b|\b(?:dm|pm|message|text)\s+(?:me\s+|us\s+)?"
    r"(?:for\s+prices|to\s+order|to\s+buy)\b",
)
_FUNDING = _rx(
    r"\b(?:https?://)?(?:www\.)?(?:justgiving|gofundme|kickstarter|indiegogo|crowdfunder|"
    rf"patreon|ko-fi|buymeacoffee|paypal\.me)(?:\.[a-z]{{2,6}}){{0,2}}(?:/{_URL_REST}{{0,200}})?",
    # Careers talk about fundraising jobs is not itself a request for funds.
    r"\bfund(?<!careers\sin\sfund)(?<!career\sin\sfund)(?<!work\sin\sfund)[- ]?rais"
    r"(?:e|es|ed|ing|er|ers)\b(?!\s+(?:roles?|careers?|jobs?|sector|professionals?|officers?|"
    r"managers?|teams?|directors?|strateg(?:y|ies)|skills|experience|targets?|totals?))",
    r"\b(?:please|kindly)\s+(?:donate|contribute|give\s+generously|chip\s+in)\b",
    r"\bsponsor\s+(?:me|us)\b|\b(?:help\s+(?:me|us)\s+)?rais(?:e|ing)\s+(?:money|funds)\b"
    r"(?!\s+for\s+(?!(?:my|me|us|our)\b))",
    r"\b(?:donations?|contributions?)\s+(?:are\s+|is\s+|would\s+be\s+)?(?:welcome|needed|"
    r"appreciated|gratefully\s+received)\b",
    r"\binvest\s+in\s+my\s+(?:start-?up|company|business|venture)\b",
    r"\bsort\s+code\s*:?\s*\d\d[- ]?\d\d[- ]?\d\d\b|\b(?:lend|send)\s+me\s+(?:money|cash)\b",
)
_BAD_LINK = _rx(
    rf"\bhttps?://(?:\d{{1,3}}\.){{3}}\d{{1,3}}(?::\d{{1,5}})?(?:/{_URL_REST}{{0,200}})?",
    rf"\bhttps?://[^\s/@<>\"']{{1,100}}@{_URL_REST}{{1,200}}",
    rf"\bhttps?://{_URL_REST}{{1,200}}?\.(?:exe|scr|apk|bat|msi|vbs|jar)\b",
    rf"\bhttps?://(?:[\w-]{{1,63}}\.){{0,5}}xn--{_URL_REST}{{1,200}}",
)
_SCAM = _rx(
    r"\bclick\s+(?:here|this\s+link|the\s+link|below|now)\s+to\s+(?:win|claim|get|earn)\b",
    r"\byou(?:'ve|\s+have)?\s+(?:just\s+)?(?:won|been\s+selected\s+for)\s+(?:a|an)\s+"
    r"(?:free\s+)?(?:\w+\s+)?(?:prize|iphone|ipad|gift\s+card|cash|voucher|reward)\b",
    r"\bclaim\s+your\s+(?:free\s+)?(?:prize|reward|gift|winnings|bonus|cash)\b",
    r"\bfree\s+(?:iphone|ipad|gift\s+cards?|bitcoin|crypto|money|cash)\b",
    r"\b(?:earn|make)\s+[£$€]?\d[\d,]{0,9}k?\s+(?:a|per|every)\s+(?:day|week|hour)\b",
    r"\b(?:double|triple)\s+your\s+(?:money|bitcoin|crypto|investment)\b",
    r"\b100\s?%\s+(?:free|guaranteed|risk[- ]free)\b|\bguaranteed\s+(?:returns?|profits?)\b",
    r"\b(?:dm|message|whatsapp)\s+me\s+(?:to|for)\s+(?:invest|earn|profit|trade)\b",
)
_REPEATS = _rx(r"([^\W\d_])\1{9,}", r"([!?$£€*])\2{7,}")
_POSTCODE = _rx(
    # Case-sensitive on purpose: lower-case look-alikes ("m25 3pm") are ordinary words.
    r"(?-i:\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b)",
)
_PROFANE = _rx(
    r"\b(?:f(?:u|\*|@|v|a)ck\w{0,6}|f\*\*k\w{0,4}|f\*{3}(?:ing|ed|er)?|fuk\w{0,4}|fck\w{0,4}|stfu|motherf\w{0,8}|"
    r"(?:bull)?sh(?:i|1|!|\*)t(?:e|s|ty|head|heads|bag|bags|hole|holes|show|faced|ter|ters)?|cunts?|twats?|wank(?:er|ers|ing)?|"
    r"bollocks|bastards?|a(?:ss|\$\$|rse)-?holes?|c\*nts?|b(?:i|!|1|\*)tch(?:es|y)?|phuck\w{0,4}|"
    r"whores?|sluts?|piss\s+off|dickheads?|cocksuckers?|tossers?|bellends?|knobheads?)(?!\w)",
    # Mild words that are insults when aimed at people: "a bunch of useless pricks".
    r"\b(?:bunch|load|lot|pack|set)\s+of\s+(?:\w+\s+)?(?:pricks|dicks|arseholes|assholes|"
    r"idiots|morons|clowns|muppets|imbeciles)\b|\byou\s+(?:absolute\s+|utter\s+|stupid\s+)?"
    r"(?:prick|dick|arsehole|asshole)\b",
    r"\byou(?:'re|\s+are|r)?\s+(?:so\s+|such\s+an?\s+|an?\s+|really\s+)?(?:stupid|dumb|"
    r"worthless|brainless|ugly)(?![\w-])",
)
# (rule, pattern, view) triples; a pattern's label refines its rule's label for the reviewer.
# Views: False = plain (look-alike letters folded, digits kept), True = folded (also leetspeak,
# spelt-out and stretched letters), for the rules that read words rather than numbers.
_PATTERNS: tuple[tuple[Rule, re.Pattern[str], bool], ...] = (
    (RULES["discrimination"], _DISCRIMINATION, True),
    (RULES["charity_promotion"], _CHARITY, False),
    (RULES["advertising"], _ADVERTISING, False),
    (RULES["funding_request"], _FUNDING, False),
    (RULES["threat"], grammar.THREAT, True),
    (RULES["allegation"], grammar.ALLEGATION, True),
    (_variant("spam_link", "Spam: shortened link (destination hidden)"), grammar.SHORT_LINK, False),
    (_variant("spam_link", "Spam: suspicious link"), _BAD_LINK, False),
    (_variant("spam_link", "Spam: suspicious link"), grammar.SCHEMELESS_LINK, False),
    (_variant("spam_link", "Spam: scam or prize wording"), _SCAM, False),
    (_variant("spam_link", "Spam: repeated characters"), _REPEATS, False),
    (_variant("personal_data", "Personal data: email address"), grammar.EMAIL, False),
    (_variant("personal_data", "Personal data: email address"), grammar.OBFUSCATED_EMAIL, False),
    (_variant("personal_data", "Personal data: phone number"), grammar.PHONE, False),
    (_variant("personal_data", "Personal data: UK postcode"), _POSTCODE, False),
    (RULES["profanity"], _PROFANE, True),
)
# A cheap search a text must pass before an expensive grammar runs on it.
_GATES = {
    grammar.ALLEGATION: grammar.ALLEGATION_GATE,
    grammar.OBFUSCATED_EMAIL: grammar.OBFUSCATED_EMAIL_GATE,
}
_PROFANITY_MODEL = _variant("profanity", "Possible profanity (language model; no listed word)")
# Mild words with innocent senses ("hell of a night", "cock-up"): reported only when the model
# agrees the whole text is profane.
_MILD = _rx(
    r"\b(?:damn(?:ed|it)?|hell|crap(?:py)?|bloody|arse|ass|bugger|sod\s+off|piss(?:ed)?|pricks?|"
    r"dick|cock|screw\s+(?:you|yourself|this|that|off)|sucks?|idiots?|morons?|"
    r"imbeciles?|losers?|jerks?|scumbags?|douche(?:bag)?s?|wtf)\b"
)
# Words the model over-scores but which policy allows: criticism (001 §6.1.1 keeps accurate but
# negative posts), violence (scored by the threat rule instead) and identity terms (flagging
# LGBT+ or faith-network posts would itself be discriminatory), plus innocent compounds of mild
# words ("cock-up", "jerk chicken"). Masked in the model's input only; offsets are unaffected.
_MODEL_MASK = _rx(
    r"\b(?:rubbish|hat(?:e|es|ed|ing)|awful|terrible|horrible|stupid|dumb|useless|pathetic|"
    r"ridiculous|disgrac\w{0,6}|shambles|joke|worst|poor|kill\w{0,3}|die[sd]?|dead|death|gays?|"
    r"lesbians?|bisexual|trans\w{0,6}|queer|sex(?:ual|uality)?|jews?|jewish|muslims?|black|"
    r"asians?|disabled|disability|cock-?\s?ups?|jerk\s+(?:chicken|pork))\b"
)
_MODEL_SKIP_IF = frozenset({"profanity", "discrimination", "threat"})  # already explained
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])\s*$")
_CAPITALISED_NEXT = re.compile(r"\s+[A-Z]")


@cache
def _predict_prob() -> Callable[[list[str]], Sequence[float]]:
    # Lazy: importing profanity_check unpickles the model (about a second), which only
    # moderation screening needs.
    from profanity_check import predict_prob

    predict: Callable[[list[str]], Sequence[float]] = predict_prob
    return predict


def _looks_like_name(text: str, start: int, end: int) -> bool:
    """'Dick Whittington', 'Moby Dick': the one mild word that is also a common name."""
    if text[start:end] != "Dick":
        return False
    mid_sentence = _SENTENCE_START.search(text, max(0, start - 3), start) is None
    return mid_sentence or _CAPITALISED_NEXT.match(text, end) is not None


def _finding(rule: Rule, text: str, view: View, m: re.Match[str]) -> Finding:
    start, end = view.span(m.start(), m.end())
    return Finding(rule, text[start:end], start, end)


def _regex_findings(text: str, plain: View, folded: View, codes: frozenset[str]) -> list[Finding]:
    return [
        _finding(rule, text, view, m)
        for rule, pattern, use_folded in _PATTERNS
        if rule.code in codes
        for view in (folded if use_folded else plain,)
        if (gate := _GATES.get(pattern)) is None or gate.search(view.text)
        for m in pattern.finditer(view.text)
        if m.end() > m.start() and not (pattern is grammar.PHONE and _organisation_line(view, m))
    ]


def _organisation_line(view: View, m: re.Match[str]) -> bool:
    """A landline introduced as an organisation's ("call the IT service desk on 020 ..."): not
    a person's data. Mobiles and numbers said to be someone's own are always reported."""
    before = view.text[max(0, m.start() - 60) : m.start()]
    return (
        grammar.MOBILE.match(m.group()) is None
        and grammar.ORGANISATION_CUE.search(before) is not None
        and grammar.PERSONAL_CUE.search(before) is None
    )


def _model_findings(text: str, folded: View, found: list[Finding], prob: float) -> list[Finding]:
    if prob < PROFANITY_THRESHOLD:
        return []
    mild = [_finding(RULES["profanity"], text, folded, m) for m in _MILD.finditer(folded.text)]
    mild = [f for f in mild if not _looks_like_name(text, f.start, f.end)]
    if mild:
        return mild
    if any(f.rule.code in _MODEL_SKIP_IF for f in found) or _MILD.search(folded.text):
        return []
    if prob < MODEL_ONLY_THRESHOLD:
        return []
    start = len(text) - len(text.lstrip())
    end = min(len(text.rstrip()), start + _EXCERPT_CHARS)
    return [Finding(_PROFANITY_MODEL, text[start:end], start, end)]


def _finalise(findings: list[Finding]) -> list[Finding]:
    """Sort by offset and keep one finding per rule code for overlapping spans."""
    ordered = sorted(findings, key=lambda f: (f.start, -f.end, f.rule.code, f.rule.label))
    last_end: dict[str, int] = {}
    kept: list[Finding] = []
    for f in ordered:
        if f.start >= last_end.get(f.rule.code, 0):
            kept.append(f)
            last_end[f.rule.code] = f.end
    return sorted(kept, key=lambda f: (f.start, f.end, f.rule.code, f.rule.label))


def screen_many(
    texts: Sequence[str | None], *, rule_set: RuleSet = RuleSet.MODERATION
) -> list[list[Finding]]:
    """Screen a batch; the profanity model runs once, vectorised, over every non-blank text."""
    for t in texts:
        if t is not None and not isinstance(t, str):
            raise TypeError(f"screen expects str or None, got {type(t).__name__}")
    codes = frozenset(r.code for r in rules_for(rule_set))
    seen = [views(t) if t else None for t in texts]
    found = [
        _regex_findings(t, *v, codes) if t and v else [] for t, v in zip(texts, seen, strict=True)
    ]
    if "profanity" in codes:
        todo = [i for i, t in enumerate(texts) if t and not t.isspace()]
        if todo:
            folded = {i: v[1] for i in todo if (v := seen[i]) is not None}
            masked = [_MODEL_MASK.sub(" ", folded[i].text) for i in todo]
            for i, prob in zip(todo, _predict_prob()(masked), strict=True):
                found[i] += _model_findings(texts[i] or "", folded[i], found[i], float(prob))
    return [_finalise(f) for f in found]


def screen(text: str | None, *, rule_set: RuleSet = RuleSet.MODERATION) -> list[Finding]:
    """Screen one text; findings sorted by start offset. None or blank text gives []."""
    if not text or text.isspace():
        return []
    return screen_many([text], rule_set=rule_set)[0]
