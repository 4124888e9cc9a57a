"""Function words of the other languages news items come in (German, French, Spanish, Italian,
Portuguese, Dutch), folded (``für`` is ``fur``).

Without them two items in one language share their articles and prepositions, which are rare
in a mostly English store and so look telling: a Spanish item about one event would match a
Spanish item about another. Words that are also English words or names (``die``, ``war``,
``van``, ``door``, ``uber``, ``ai``, ``os``, ...) are taken out of the lists.
"""

from __future__ import annotations


def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


GERMAN = _listed(
    """
    der das dem des ein eine einem einen einer eines und oder aber nicht auch noch nur
    mit von vom zu zum zur bei beim aus auf im ins um fur uber unter nach vor seit gegen
    ohne durch bis ist sind wird werden wurde wurden hat haben hatte hatten sein seine
    ihr ihre ihren ihrem ihrer sich sie er es wir ich dass wie wenn als so sehr mehr
    schon jetzt dann doch diese dieser dieses diesem diesen jede jeder jedes einer nach
    am zwischen wegen soll sollen kann konnen muss mussen will wollen wo
    """
)
FRENCH = _listed(
    """
    le la les un une des du de au aux et ou mais ne pas plus que qui quoi dont ce cette
    ces se sa ses leur leurs il ils elle elles nous vous je tu on est sont ete etre avoir
    ont avait dans pour par sur avec sans sous entre chez apres avant selon comme tres
    aussi deja encore lors dont ainsi
    """
)
SPANISH = _listed(
    """
    el la los las un una unos unas de del al en y o pero que quien cual cuyo su sus se lo
    le les es son fue fueron ser ha han haber habia por para con sobre entre tras desde
    hasta sin contra segun como mas muy ya tambien este esta estos estas ese esa eso
    esos esas ni e u
    """
)
ITALIAN_PORTUGUESE = _listed(
    """
    il lo gli dei della delle degli nel nella nei sul sulla per da di che non ed anche
    dopo dal dalla alla alle ai agli uno os um uma dos das do da na nas nos no em ao aos
    pela pelo pelos pelas para que nao foi sao
    """
)
DUTCH = _listed(
    """
    het een van en in op te bij voor met aan uit naar door over niet ook maar dat deze
    dit zijn werd wordt worden heeft hebben zich er om tot
    """
)
#: English content words that the lists above would otherwise hold.
ENGLISH_WORDS = _listed(
    """
    die war man son hat con sin pie den fur uber aus ai dos sao os non da van door er met al
    han
    """
)

FOREIGN = (GERMAN | FRENCH | SPANISH | ITALIAN_PORTUGUESE | DUTCH) - ENGLISH_WORDS
