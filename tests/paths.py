"""Where the tests find things, wherever the test file sits."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the repository
DATA = ROOT / "tests" / "data"  # small files made for the tests, in the repository
# The shared real exports beside the repository (tests that need them skip without).
EXPORTS = ROOT.parent / "shared" / "fixtures" / "exports"
