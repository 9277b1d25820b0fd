"""A rule-based coach for written interview answers.

`analyze` looks at a STAR answer (situation, task, action, result) or a free-text answer and
returns findings a careful interviewer would raise: thin STAR parts, a result with no
measurable outcome, blaming others, "we" where the candidate's own part should be, heavy
filler words, and answers that are too short or too long to say aloud.

Everything here is plain regular expressions and word lists: no network, no models, and a
500-word answer takes about a millisecond. The rules lean hard towards precision: a coach
that flags good answers is worse than one that misses a few weak ones, so every rule has
guards against the common innocent readings, and an ambiguous phrase is left alone.

Every finding's evidence is copied exactly from the part it names (`evidence in
parts[part]`), so the UI can highlight it; whole-answer findings have empty evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

STAR_PARTS = ("situation", "task", "action", "result")
FREE_PART = "answer"
PART_ORDER = (*STAR_PARTS, FREE_PART)

# A STAR part with fewer words than this cannot do its job. The action carries the answer,
# so it needs more than the others.
MIN_PART_WORDS = {"situation": 4, "task": 4, "action": 10, "result": 4}
# A short part (under SHORT_PART_WORDS) must still carry this many content words: "Our fraud
# model missed new merchants." does its job, "This was at my last company." does not.
SHORT_PART_WORDS = 8
MIN_CONTENT_WORDS = 4
# A result this short is thin even with a number in it ("Fixed: 5%.").
MIN_QUANTIFIED_RESULT_WORDS = 3

# Whole-answer length, in words over the STAR parts (or the free-text answer).
TOO_SHORT_WORDS = 100  # fewer words than this: too brief to show any depth
TOO_LONG_WORDS = 450  # more than this: over about 3 minutes spoken
SPEAKING_WORDS_PER_MINUTE = 140

# Fillers: flag only when there are both enough of them and they are dense, so a single
# "basically" in a long answer never fires.
FILLER_MIN_COUNT = 3
FILLER_MIN_PER_100_WORDS = 3.0

# "We" in the action: flag when there are at least this many "we" words and no "I" words,
# or "we" outnumbers "I" by at least this ratio.
WE_MIN_COUNT = 2
WE_TO_I_RATIO = 3

# Blame: at most this many linking words ("was", "really", "a bunch of") between the person
# or group and the judgmental term, and no negation this many words before the person.
BLAME_MAX_GAP_WORDS = 6
BLAME_NEGATION_LOOKBACK_WORDS = 5

# Findings inside one part come in this order.
CODE_ORDER = (
    "missing_situation",
    "missing_task",
    "missing_action",
    "missing_result",
    "result_not_quantified",
    "we_instead_of_i",
    "blames_others",
    "filler_words",
    "too_short",
    "too_long",
)


@dataclass(frozen=True)
class Finding:
    code: str
    part: str  # "situation", "task", "action", "result", "answer", or "" for the whole answer
    evidence: str  # copied exactly from parts[part]; "" for whole-answer findings
    message: str


# --- Text helpers --------------------------------------------------------------------------

WORD_RE = re.compile(r"[\w'’-]+")
_TOKEN_RE = re.compile(r"[\w'’]+")  # words without hyphens, for context checks
# A sentence runs to terminal punctuation followed by whitespace (so "0.92" and "v1.2" stay
# whole), to a line break, or to the end of the text.
_SENTENCE_RE = re.compile(r"\S.*?(?:[.!?]+[\"'’”)\]]*(?=\s|$)|(?=\n)|$)", re.S)


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text))


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string, for long word lists."""
    return frozenset(words.split())


def _norm(token: str) -> str:
    return token.lower().replace("’", "'")


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in text, without surrounding whitespace."""
    spans = []
    for match in _SENTENCE_RE.finditer(text):
        chunk = match.group()
        stripped = chunk.rstrip()
        if stripped:
            spans.append((match.start(), match.start() + len(stripped)))
    return spans


def _previous_token(text: str, index: int) -> str:
    """The word just before index, lower-cased; "" if a clause boundary or nothing comes first."""
    before = text[max(0, index - 40) : index].rstrip()  # a word is never that long
    if not before or not (before[-1].isalnum() or before[-1] in "'’_"):
        return ""
    return _norm(_TOKEN_RE.findall(before)[-1])


def _next_token(text: str, index: int) -> str:
    match = re.match(r"\s*([\w'’]+)", text[index:])
    return _norm(match.group(1)) if match else ""


# --- Thin STAR parts -----------------------------------------------------------------------

_MISSING_MESSAGES = {
    "situation": (
        "Your situation is missing or too thin to set the scene. Add a sentence or two on "
        "where you were, what the project was and why it mattered."
    ),
    "task": (
        "You haven't said what you were responsible for. State the goal or problem you "
        "personally owned in a sentence."
    ),
    "action": (
        "Your action is missing or too brief, and it is the heart of the answer. Walk through "
        "the concrete steps you took and why you chose them."
    ),
    "result": (
        "Your result is missing or too thin. Say how it ended and what changed because of "
        "your work."
    ),
}


_FUNCTION_WORDS = _word_set(
    "a an the this that these those it its it's i me my we our us you your he she they them "
    "their his her was were is are be been am had has have do did does at in on of to for "
    "with by from as after before then there here so and but or just all some very really "
    "what which who when where how um uh like basically well ok okay yes no not "
    # Words that name no scene at all: "Work project, last year." "At my old job."
    "work job company project team year years last previous old time ago once back place role"
)


def _is_thin(part: str, text: str) -> bool:
    words = WORD_RE.findall(text)
    if part == "result" and _is_quantified(text):  # "Latency fell by 40%." does its job
        return len(words) < MIN_QUANTIFIED_RESULT_WORDS
    if len(words) < MIN_PART_WORDS[part]:
        return True
    if len(words) >= SHORT_PART_WORDS:
        return False
    content = [w for w in words if _norm(w) not in _FUNCTION_WORDS]
    return len(content) < MIN_CONTENT_WORDS


# --- Quantified result ---------------------------------------------------------------------

_NUMBER_WORDS = (
    "zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?"
)
_TIME_UNITS = "seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?|sprints?"
# Anything that makes an outcome measurable. Being generous here is the precise direction:
# counting a vague result as measured only means a missed flag, never a wrong one. "one" on
# its own is left out because it is mostly a pronoun ("the new one").
_QUANTITY_RE = re.compile(
    r"\d|%"
    rf"|\b(?:{_NUMBER_WORDS})\b"
    r"|\bper\s*cent\b|\bpercent(?:age)?\b"
    r"|\b(?:half|halved|halve|halving|twice|thrice|double[ds]?|doubling|triple[ds]?|tripling"
    r"|quadrupled)\b"
    r"|\b(?:two|three|four|five|ten|twenty|hundred|thousand)fold\b"
    r"|\b(?:a|one|two|by)\s+(?:third|quarter|fifth|tenth)s?\b"
    r"|\b(?:faster|slower|quicker|fewer|less|more|lower|higher|cheaper|smaller|larger|bigger"
    r"|shorter|longer)\s+than\b"
    r"|\borders?\s+of\s+magnitude\b"
    rf"|\b(?:a|an|one|a\s+few|few|several|a\s+couple\s+of)\s+(?:{_TIME_UNITS})\b"
    r"|\ba\s+single\b"
    r"|\b(?:no|zero)\s+(?:further\s+|more\s+|new\s+)?(?:incidents?|outages?|pages|alerts?"
    r"|errors?|complaints?|regressions?|escalations?|failures?|bugs?)\b",
    re.IGNORECASE,
)


def _is_quantified(text: str) -> bool:
    return _QUANTITY_RE.search(text) is not None


# --- "We" instead of "I" -------------------------------------------------------------------

_WE_TOKENS = {"we", "we're", "we've", "we'd", "we'll", "our", "ours", "us", "ourselves"}
_I_TOKENS = {"i", "i'm", "i've", "i'd", "i'll", "my", "me", "mine", "myself"}


def _we_instead_of_i(text: str) -> tuple[int, int, str] | None:
    """(we count, I count, first sentence with a "we" word) when "we" crowds out "I"."""
    we_count = i_count = 0
    first_we = None
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        if token == "US":  # the country, not the pronoun
            continue
        word = _norm(token)
        if word in _WE_TOKENS:
            we_count += 1
            if first_we is None:
                first_we = match.start()
        elif word in _I_TOKENS:
            i_count += 1
    if we_count < WE_MIN_COUNT or (i_count and we_count < WE_TO_I_RATIO * i_count):
        return None
    for start, end in _sentences(text):
        if start <= first_we < end:
            return we_count, i_count, text[start:end]
    return None  # pragma: no cover - every word lies in a sentence


# In a free-text answer "we" is often generic ("we take the log, then we sum") or
# hypothetical ("we'd add a canary"), so only a told story counts: "we" + a past-tense verb.
_IRREGULAR_PAST = _word_set(
    "built made set ran wrote took found chose got put saw sent kept cut left led did had went "
    "began brought bought spent held met paid read rebuilt rewrote split spun swapped stood "
    "struck taught told thought tried won drove fed fought froze gave grew hit knew lost"
)
_WE_PAST_RE = re.compile(
    r"\bwe\s+(?:(?:also|then|just|first|finally|quickly|eventually|all|both|later|soon)\s+)?"
    r"([A-Za-z]+)\b",
    re.I,
)
FREE_WE_PAST_MIN = 3


def _we_told_story(text: str) -> bool:
    """Whether a free-text answer tells a past story as "we" did this, "we" did that."""
    past = 0
    for match in _WE_PAST_RE.finditer(text):
        verb = match.group(1).lower()
        if verb in _IRREGULAR_PAST or (verb.endswith("ed") and len(verb) > 4):
            past += 1
    return past >= FREE_WE_PAST_MIN


# --- Blaming others ------------------------------------------------------------------------

_ROLES = (
    r"manager|boss|lead|supervisor|director|vp|cto|ceo|pm|product\s+manager|product\s+owner"
    r"|colleague|coworker|co-worker|teammate|peer|engineer|analyst|scientist|developer"
    r"|contractor|vendor|client|customer|stakeholder|team|department|employer|company"
    r"|consultant|business|management|leadership|intern|junior|new\s+hire|guys?"
    r"|author|researcher|ops|qa|devops|sre|sales|marketing|people|folks|staff|architect"
    r"|founder|executive|exec|partner|sysadmin|admin|devs?"
)
_DETERMINERS = r"my|our|their|the|that|this|those|these"
# "my manager", "the data team", "my former employer", "the other teams"; up to two
# modifiers, none of them another determiner (so "that the data team" starts at "the").
_PERSON_NOUN = (
    rf"\b(?:{_DETERMINERS})\s+(?:(?!(?:{_DETERMINERS}|a|an|i|we)\b)[\w'’-]+\s+){{0,2}}"
    rf"(?:{_ROLES})s?\b"
)
# Groups named without a determiner ("management never listened").
_BARE_GROUP = (
    r"\b(?:(?:senior|upper|middle|executive)\s+)?(?:management|leadership)\b"
    r"|\b(?:colleagues|coworkers|co-workers|teammates|stakeholders|other\s+teams?"
    r"|other\s+engineers|ops|devops|qa|sre|sales|marketing|hr|legal|researchers|analysts)\b"
)
_PRONOUN = r"\b(?:they(?:['’](?:re|ve|d))?|he(?:['’](?:s|d))?|she(?:['’](?:s|d))?)(?![\w'’])"
_PERSON_RE = re.compile(
    rf"(?P<noun>{_PERSON_NOUN})|(?P<bare>{_BARE_GROUP})|(?P<pronoun>{_PRONOUN})", re.I
)
# A bare group must start its clause or follow a conjunction: "memory management" is not a
# group of people.
_CLAUSE_STARTERS = {
    "",
    "and",
    "but",
    "so",
    "because",
    "then",
    "when",
    "that",
    "while",
    "since",
    "though",
    "although",
    "where",
    "as",
    "after",
    "before",
    "until",
    "even",
}

# Predicative use only ("they were lazy.", "lazy about docs"), never attributive ("lazy
# evaluation", "a useless dashboard"), which usually describes a thing.
_PREDICATIVE = (
    r"(?=\s*(?:[.,;:!?)\"'’”–—]|$)|\s+-\s|\s+(?:and|but|or|so|because|as|at|about|with|when|from|in|on"
    r"|to|too|again|anyway)\b)"
)
_N_T = r"(?:n['’]t|\s+not)"
# Judgments that only make sense of people, so they may follow a bare "they".
_HUMAN_JUDGMENT = (
    rf"(?:incompetent|clueless|lazy|inept|negligent|careless|unprofessional|arrogant|idiotic"
    rf"|moronic|obstructive){_PREDICATIVE}"
    r"|out\s+of\s+(?:their|his|her)\s+depth"
    r"|\b(?:idiots?|morons?|clowns|amateurs)\b"
    # "didn't care about latency" is usually a neutral statement of priorities; only the
    # bare "didn't care" or "didn't care enough" reads as a judgment.
    rf"|did{_N_T}\s+(?:really\s+)?care(?!\s+(?:about|whether|if|for|much|as|how|what|which"
    r"|who|to)\b)"
    rf"|could{_N_T}\s+care\s+less|could{_N_T}\s+be\s+bothered|never\s+bothered"
    rf"|(?:can['’]?t|cannot|could\s?n['’]?t)\s+be\s+trusted\b"
    r"|dropped\s+the\s+ball"
    r"|no\s+(?:idea|clue)\s+what\s+(?:they|he|she)\s+(?:was\s+doing|were\s+doing|wanted|needed"
    r"|meant|was\s+talking\s+about|were\s+talking\s+about)"
    rf"|did{_N_T}\s+know\s+what\s+(?:they|he|she)\s+(?:was|were)\s+doing"
    rf"|no\s+clue{_PREDICATIVE}"
    r"|(?:impossible|a\s+nightmare|terrible|awful|horrible)\s+to\s+work\s+with"
    rf"|never\s+listen(?:ed|s)?\b|(?:did{_N_T}|would{_N_T}|refused\s+to)\s+listen\b"
    r"|(?:threw|throws?|thrown)\s+(?:me|us)\s+under\s+the\s+bus"
)
# "they messed up the schema" (active) is about people; "it was messed up" is about things.
_ACTIVE_JUDGMENT = (
    r"(?:messed|screwed)(?:\s+(?:it|this|that|things|everything))?\s+up\b"
    r"|broke\s+(?:it|everything|prod(?:uction)?\b|the\s+(?:build|pipeline|model|site|job|release))"
    r"|(?:delivered|produced|wrote|shipped|handed\s+over|sent)\s+(?:us\s+|me\s+)?"
    r"(?:garbage|rubbish|junk|trash|nonsense)\b"
    r"|ignored\s+(?:all\s+)?(?:our|my|us|me)\b"
)
# Judgments that also fit things ("they were useless" may mean the features): only used
# with a named person or group, or he/she.
_ANY_JUDGMENT = (
    rf"(?:useless|sloppy|hopeless|terrible|awful|horrible|garbage|rubbish"
    rf"|a\s+(?:joke|mess|disaster|nightmare)){_PREDICATIVE}"
    r"|to\s+blame\b"
    # "they never read the config" may be about services: only with a named person or he/she.
    r"|never\s+(?:really\s+|even\s+|once\s+)?(?:cared|read|reads|replied|answered)\b"
    rf"|(?:was{_N_T}|were{_N_T})\s+(?:any|much)\s+(?:help|use)\b|(?:was|were)\s+no\s+help\b"
)
_JUDGMENT_RE = re.compile(
    rf"\b(?:(?P<human>{_HUMAN_JUDGMENT})|(?P<active>{_ACTIVE_JUDGMENT})|(?P<any>{_ANY_JUDGMENT}))",
    re.I,
)
# "their fault", "his carelessness", "the data team's incompetence". "fault" must end the
# phrase, so "their fault tolerance" is not blame.
_POSSESSIVE_BLAME_RE = re.compile(
    rf"(?:\b(?:their|his|her)|{_PERSON_NOUN}['’]s)\s+"
    r"(?:(?:own|complete|total|sheer|utter|obvious)\s+)?"
    r"(?:fault(?=\s*(?:[.,;:!?)]|$|\s+(?:that|for|and|but|really|entirely|anyway)\b))"
    r"|incompetence|laziness|carelessness|sloppiness|negligence|ineptitude|arrogance"
    r"|cluelessness|unprofessionalism|sloppy\s+work|dithering|indecision|meddling|ignorance"
    r"|bungling|stubbornness"
    rf"|mess{_PREDICATIVE})",
    re.I,
)
# Words that may link a person to a judgment without changing who is judged: "were",
# "really", "a bunch of", "turned out to be". No negations and no "I"/"we" (so "the team
# helped me after I messed up" never links "the team" to "messed up").
_LINK_WORDS = _word_set(
    "was were is are be been being am had has have just really totally completely so very "
    "pretty quite always simply basically clearly obviously extremely incredibly utterly "
    "honestly frankly literally genuinely absolutely entirely too also again still then all "
    "both kind sort of a an bunch complete total absolute bit little seemed seem seems acted "
    "acting got became become turned out to who the ones one apparently consistently "
    "repeatedly constantly often usually essentially somewhat rather fairly downright "
    "plain ever at time there back in charge um uh erm like"
)
# Every judgment above contains one of these words. Most answers contain none, and a set
# lookup is much cheaper than running the judgment patterns over every sentence.
_BLAME_TRIGGERS = _word_set(
    "incompetent clueless lazy inept negligent careless unprofessional arrogant idiotic moronic "
    "idiot idiots moron morons clowns amateurs care bothered ball doing clue impossible "
    "nightmare terrible awful horrible listen listened listens bus messed screwed useless "
    "sloppy hopeless garbage rubbish joke mess disaster blame fault incompetence laziness "
    "carelessness sloppiness negligence ineptitude arrogance cluelessness unprofessionalism "
    "obstructive depth help use bless save depended tell business bothered job jobs knows "
    "know-it-all know-it-alls thanks kindly politely mildly charitably nicely gently generously "
    "broke run led managed cared read reads replied answered trusted wanted needed meant "
    "talking delivered produced wrote shipped sent junk trash nonsense ignored dithering "
    "indecision meddling ignorance bungling stubbornness wisdom typical optional idea"
)
_BE_WORDS = {"was", "were", "is", "are", "be", "been", "being", "am", "got"}
# An aside between commas, e.g. "My manager, who had been there for years, was clueless".
_ASIDE_RE = re.compile(r",\s*(?:who|which|whom|whose)\b[^,]*,")
# A short aside of any kind: "was, to put it politely, incompetent"; "they, um, couldn't".
# Words are split only at whitespace. With `\s*` between them instead, one long word could be
# split into up to four words in ~n^4 ways, and a comma, 200 letters and no closing comma took
# seconds to fail to match (a ReDoS, found in review; tests/practice/test_coach.py).
_SHORT_ASIDE_RE = re.compile(r",\s*[\w'’]+(?:\s+[\w'’]+){0,3}\s*,")
_FIRST_PERSON_RE = re.compile(r"\b(?:i|we)\b", re.I)
_NEGATORS = {"not", "never", "no", "without", "instead", "rather", "nobody", "neither", "nor"}


def _negated_before(sentence: str, index: int) -> bool:
    """Whether a negation shortly precedes index in its clause ("it wasn't their fault")."""
    clause = re.split(r"[,;:]", sentence[:index])[-1]
    words = [_norm(w) for w in _TOKEN_RE.findall(clause)][-BLAME_NEGATION_LOOKBACK_WORDS:]
    return any(w in _NEGATORS or w.endswith("n't") for w in words)


# A short phrase placing the person: "the PM on the project", "my manager at the time".
_PLACE_RE = re.compile(
    r"^\s+(?:on|at|in|from|of|for)\s+(?:(?:the|that|this|their|our|my)\s+)?"
    r"(?:[\w'’-]+\s+)?[\w'’-]+(?=\s+\w)",
    re.I,
)


def _links(gap: str) -> list[str] | None:
    """The linking words between a person and a judgment, or None if they don't link."""
    place = _PLACE_RE.match(gap)
    if place and not re.search(r"\b(?:i|me|we|us)\b", place.group(), re.I):
        gap = gap[place.end() :]
    for aside in _ASIDE_RE.findall(gap):
        if _FIRST_PERSON_RE.search(aside):
            return None
    gap = _ASIDE_RE.sub(" ", gap)
    for aside in _SHORT_ASIDE_RE.findall(gap):
        words = {_norm(w) for w in _TOKEN_RE.findall(aside)}
        if _FIRST_PERSON_RE.search(aside) or words & (_NEGATORS | {"me", "my", "us", "our"}):
            return None
    gap = _SHORT_ASIDE_RE.sub(" ", gap)
    if re.search(r"[^\w\s,'’]", gap):  # a dash, colon or bracket starts another clause
        return None
    words = [_norm(w) for w in _TOKEN_RE.findall(gap)]
    if len(words) > BLAME_MAX_GAP_WORDS or any(w not in _LINK_WORDS for w in words):
        return None
    return words


def _person_matches(sentence: str) -> list[re.Match[str]]:
    people = []
    for match in _PERSON_RE.finditer(sentence):
        if match.group("bare") and _previous_token(sentence, match.start()) not in (
            _CLAUSE_STARTERS
        ):
            continue
        people.append(match)
    return people


# Belittling idioms that are about people whoever they name: "bless him", "can't write a
# Helm chart to save their lives", "couldn't tell a model from a spreadsheet", "run by people
# who...", "if QA did their job", "thanks to the data team, we lost a month".
_THEM = r"(?:their|his|her)"
_CANT = r"(?:can['’]?t|cannot|could\s?n['’]?t|could\s+not)"
_IDIOM_BLAME_RE = re.compile(
    rf"\bbless\s+(?:him|her|them)\b"
    rf"|\b{_CANT}\s+[\w\s'’-]{{1,60}}?\bto\s+save\s+{_THEM}\s+li(?:fe|ves)\b"
    rf"|\b{_CANT}\s+[\w\s'’-]{{1,60}}?\bif\s+{_THEM}\s+(?:li(?:fe|ves)|jobs?|bonus(?:es)?)"
    r"\s+depended\s+on\s+it\b"
    rf"|\b{_CANT}\s+tell\s+(?:a|an|the)\s+[\w-]+\s+from\s+(?:a|an|the)\s+[\w-]+"
    r"|\b(?:run|led|managed)\s+by\s+(?:people|someone|folks|clowns|amateurs)\s+who"
    r"(?:['’]d|\s+had|\s+have)?\s+(?:never|no\s+business|no\s+idea|no\s+clue)\b"
    r"|\bhad\s+no\s+business\s+(?:running|leading|managing|being|making)\b"
    rf"|\bnever\s+[\w\s'’-]{{1,40}}?\bin\s+{_THEM}\s+(?:whole\s+|entire\s+)?li(?:fe|ves)\b"
    rf"|\bnever\s+(?:actually\s+|even\s+|once\s+|really\s+)?bothered\s+to\b"
    rf"|\bif\s+(?:they|he|she|[A-Z][\w-]*|the\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:had\s+)?"
    rf"(?:did|done)\s+{_THEM}\s+jobs?\b"
    r"|\bthinks?\s+(?:he|she|they)\s+knows?\s+(?:everything|it\s+all|best)\b|\bknow-it-alls?\b"
    rf"|\bthanks\s+to\s+(?:{_PERSON_NOUN}|them|him|her)\s*,?\s+(?:we|I)\s+(?:lost|wasted|missed"
    r"|had\s+to\s+redo|slipped)\b"
    r"|\bto\s+put\s+it\s+(?:kindly|politely|mildly|charitably|nicely|gently|generously)\b"
    rf"|\bin\s+{_THEM}\s+(?:infinite\s+)?wisdom\b|\btypical\s+of\s+(?:him|her|them)\b"
    r"|\boptional\s+(?:for\s+(?:them|him|her)|over\s+there)\b"
    rf"|(?:{_PERSON_NOUN}['’]s|\b{_THEM})\s+idea\s+of\s+(?:a|an)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:was|is)\b",
    re.I,
)
# "to put it kindly" is only sarcasm about someone when a person comes before it.
_SARCASM_MARKER_RE = re.compile(r"^to\s+put\s+it\b", re.I)


def _idiom_blame(sentence: str) -> str | None:
    for match in _IDIOM_BLAME_RE.finditer(sentence):
        if _negated_before(sentence, match.start()) and not match.group().lower().startswith(
            ("never", "can", "could")
        ):
            continue
        if _SARCASM_MARKER_RE.match(match.group()):
            people = [p for p in _person_matches(sentence) if p.end() <= match.start()]
            if not people:
                continue
            return sentence[people[-1].start() : match.end()]
        return match.group()
    return None


def _blame_in_sentence(sentence: str) -> str | None:
    if idiom := _idiom_blame(sentence):
        return idiom
    for match in _POSSESSIVE_BLAME_RE.finditer(sentence):
        if not _negated_before(sentence, match.start()):
            return match.group()
    people = _person_matches(sentence)
    for judgment in _JUDGMENT_RE.finditer(sentence):
        # The nearest person before the judgment is the one it is about.
        for person in reversed(people):
            if person.end() > judgment.start():
                continue
            # An earlier person can only link through the later one inside an aside ("my
            # manager, who ran the team, was clueless"), so keep looking on failure.
            links = _links(sentence[person.end() : judgment.start()])
            if links is None:
                continue
            is_they = _norm(person.group()).startswith("they")
            if is_they and judgment.group("any"):
                continue  # "they were useless" may well be about the features
            if judgment.group("active") and _BE_WORDS.intersection(links):
                continue  # "they were messed up" describes a state, not what someone did
            if _negated_before(sentence, person.start()):
                continue
            return sentence[person.start() : judgment.end()]
    return None


def _may_blame(text: str) -> bool:
    tokens = _TOKEN_RE.findall(text.lower().replace("’", "'"))
    return not _BLAME_TRIGGERS.isdisjoint(tokens)


def _blame_evidence(text: str) -> list[str]:
    """One evidence span per sentence that blames or belittles someone."""
    if not _may_blame(text):
        return []
    found = []
    for start, end in _sentences(text):
        sentence = text[start:end]
        evidence = _may_blame(sentence) and _blame_in_sentence(sentence)
        if evidence and evidence not in found:
            found.append(evidence)
    return found


# --- Filler words --------------------------------------------------------------------------

# Always fillers (or near enough that a careful listener would count them).
_PLAIN_FILLER_RE = re.compile(r"\b(?:u+m+|u+h+|uhm|e+r+m+|basically|literally)\b", re.I)
_YOU_KNOW_RE = re.compile(r"\byou\s+know\b", re.I)
_KIND_OF_RE = re.compile(r"\b(?:kind|sort)\s+of\b", re.I)
_LIKE_RE = re.compile(r"\blike\b", re.I)

# "As you know, ..." and "Do you know?" are not fillers.
_NOT_FILLER_BEFORE_YOU_KNOW = {
    "as",
    "do",
    "did",
    "don't",
    "didn't",
    "if",
    "would",
    "will",
    "you'd",
    "let",
    "let's",
    "whether",
    "doesn't",
    "to",
}
# "you know how/what/that ..." is a real question or clause, not a filler.
_CLAUSE_AFTER_YOU_KNOW = {
    "how",
    "what",
    "that",
    "whether",
    "when",
    "where",
    "why",
    "if",
    "who",
    "which",
    "the",
    "about",
    "it",
    "this",
    "them",
    "him",
    "her",
    "me",
}
# "kind of"/"sort of" is a hedge only after a subject or verb ("it was kind of slow", "we
# sort of rebuilt it"); after a determiner or adjective it is a noun ("a kind of model",
# "what kind of data", "this sort of problem", "the same kind of drift").
_HEDGE_AFTER = _word_set(
    "i we it they he she you that's it's there's i'm we're they're you're he's she's i've "
    "we've was were is are 's be been being am just also really still and but so had have "
    "has got felt feel feels seemed seems looked looks sounds actually basically honestly "
    "then i'd we'd it'd would"
)
# "like" before a comma is a filler ("we built, like, a pipeline", "it was like, huge"),
# unless it is the verb ("I like, ...", "whatever you'd like,").
_LIKE_VERB_AFTER = _word_set(
    "i we you they he she would i'd we'd you'd they'd to don't didn't do does did doesn't "
    "wouldn't really also look looks looked seem seems seemed feel feels felt sound sounds"
)


def _fillers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised form) of every filler in text, in order."""
    found = []
    for match in _PLAIN_FILLER_RE.finditer(text):
        word = match.group().lower()
        if re.fullmatch(r"u+m+|uhm", word):
            word = "um"
        elif re.fullmatch(r"u+h+", word):
            word = "uh"
        elif re.fullmatch(r"e+r+m+", word):
            word = "erm"
        found.append((match.start(), match.end(), word))
    for match in _YOU_KNOW_RE.finditer(text):
        if _previous_token(text, match.start()) in _NOT_FILLER_BEFORE_YOU_KNOW:
            continue
        after = text[match.end() :]
        comma_before = text[: match.start()].rstrip().endswith(",")
        punct_after = re.match(r"\s*(?:[,.!?;]|$)", after) is not None
        if not punct_after and _next_token(text, match.end()) in _CLAUSE_AFTER_YOU_KNOW:
            continue
        if comma_before or punct_after:
            found.append((match.start(), match.end(), "you know"))
    for match in _KIND_OF_RE.finditer(text):
        if _previous_token(text, match.start()) in _HEDGE_AFTER | {""}:
            word = "kind of" if match.group().lower().startswith("kind") else "sort of"
            found.append((match.start(), match.end(), word))
    for match in _LIKE_RE.finditer(text):
        if re.match(r"\s*,", text[match.end() :]) and (
            _previous_token(text, match.start()) not in _LIKE_VERB_AFTER
        ):
            found.append((match.start(), match.end(), "like"))
    return sorted(found)


def _filler_finding(texts: dict[str, str], total_words: int) -> Finding | None:
    per_part = {part: _fillers(text) for part, text in texts.items()}
    count = sum(len(fillers) for fillers in per_part.values())
    if count < FILLER_MIN_COUNT or not total_words:
        return None
    rate = 100 * count / total_words
    if rate < FILLER_MIN_PER_100_WORDS:
        return None
    # max() keeps the first of equals, so ties go to the earlier part.
    part = max(per_part, key=lambda name: len(per_part[name]))
    start, end, _ = per_part[part][0]
    common = Counter(word for fillers in per_part.values() for _, _, word in fillers)
    named = [f'"{word}" ({n})' for word, n in common.most_common(3)]
    mostly = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return Finding(
        "filler_words",
        part,
        texts[part][start:end],
        f"You used {count} filler words ({rate:.1f} per 100 words), mostly {mostly}. "
        "Pause for a moment instead of filling the silence; it sounds more confident.",
    )


# --- The coach -----------------------------------------------------------------------------


def analyze(parts: dict[str, str]) -> list[Finding]:
    """Findings for one answer, in part order and then whole-answer findings.

    parts has situation/task/action/result for a STAR answer or answer for a free-text one;
    any other key (such as notes) is ignored.
    """
    is_star = any(key in parts for key in STAR_PARTS)
    names = [name for name in PART_ORDER if name in parts or (is_star and name in STAR_PARTS)]
    texts = {name: parts.get(name) or "" for name in names}
    if not any(text.strip() for text in texts.values()):
        return []  # answered aloud: nothing to check

    findings: list[Finding] = []
    for name, text in texts.items():
        stripped = text.strip()
        if name in STAR_PARTS:
            if _is_thin(name, text):
                findings.append(Finding(f"missing_{name}", name, stripped, _MISSING_MESSAGES[name]))
            elif name == "result" and not _is_quantified(text):
                findings.append(
                    Finding(
                        "result_not_quantified",
                        name,
                        stripped,
                        "Your result gives no measurable outcome. Add a number if you can: a "
                        "metric before and after, time or money saved, or how many people or "
                        "systems it affected.",
                    )
                )
        # A thin action already has its own finding; "we" in it would only repeat that.
        checks_we = (name == "action" and not _is_thin(name, text)) or (
            name == FREE_PART and _we_told_story(text)
        )
        if checks_we and (we := _we_instead_of_i(text)):
            we_count, i_count, sentence = we
            findings.append(
                Finding(
                    "we_instead_of_i",
                    name,
                    sentence,
                    f'Your {name} says "we" {we_count} times and "I" {i_count} times, so your '
                    'own part is unclear. Say what you personally did: "I built...", '
                    '"I proposed...".',
                )
            )
        for evidence in _blame_evidence(text):
            findings.append(
                Finding(
                    "blames_others",
                    name,
                    evidence,
                    "This blames or belittles someone else, which interviewers read as a red "
                    "flag. Describe what went wrong factually and focus on what you did about it.",
                )
            )

    total_words = sum(word_count(text) for text in texts.values())
    filler = _filler_finding(texts, total_words)
    if filler:
        findings.append(filler)

    part_rank = {name: i for i, name in enumerate(PART_ORDER)}
    code_rank = {code: i for i, code in enumerate(CODE_ORDER)}
    findings.sort(key=lambda f: (part_rank[f.part], code_rank[f.code]))  # stable within a code

    if total_words < TOO_SHORT_WORDS:
        findings.append(
            Finding(
                "too_short",
                "",
                "",
                f"At {total_words} words your answer is probably too brief to show depth (aim "
                f"for at least {TOO_SHORT_WORDS}). Add your reasoning, a concrete example and "
                "the outcome.",
            )
        )
    elif total_words > TOO_LONG_WORDS:
        minutes = total_words / SPEAKING_WORDS_PER_MINUTE
        findings.append(
            Finding(
                "too_long",
                "",
                "",
                f"At {total_words} words this takes about {minutes:.1f} minutes to say, longer "
                "than the 2 to 3 minutes interviewers expect. Cut the background and keep the "
                "detail for follow-up questions.",
            )
        )
    return findings
