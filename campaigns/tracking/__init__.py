"""What ambassadors do with their invitation and where their personal link leads: the pixel and the click
(``events``), the link's token and state (``links``), the visit it starts (``visits``), the guessing limit
(``throttle``), telling people from machines (``classify``), and the pages a link may lead to
(``destinations``).

Surveys and ideas use the two seams below: who is visiting, and that they answered."""

from campaigns.tracking.events import mark_responded
from campaigns.tracking.visits import visiting_invitation

__all__ = ["mark_responded", "visiting_invitation"]
