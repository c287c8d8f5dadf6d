"""Where the real LimeSurvey exports of ``../shared/peers/limesurvey/`` are (kept outside the project: one is GPL).
LIMESURVEY_EXPORTS names the folder; otherwise the first ``shared/peers/limesurvey`` found beside this clone or
one of its parents, then /work/shared."""

import os
from pathlib import Path

HERE = Path(__file__).resolve()
CANDIDATES = [Path(os.environ["LIMESURVEY_EXPORTS"])] if os.environ.get("LIMESURVEY_EXPORTS") else []
CANDIDATES += [parent / "shared" / "peers" / "limesurvey" for parent in HERE.parents]
CANDIDATES += [Path("/work/shared/peers/limesurvey")]
PEERS = next((folder for folder in CANDIDATES if (folder / "citric_survey.lss").is_file()), CANDIDATES[-1])
