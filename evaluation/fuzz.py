"""Long fuzzing runs of the reliability properties, by hand: the CI tests with many more examples.

It runs `tests/test_reliability_fuzz.py` with `EXTRACTOR_FUZZ_EXAMPLES` raised,
so the properties checked are exactly those of CI (offsets into the original
text, a clear error naming file, line and reason, no traceback, every other
document processed), then prints how many inputs each property was tried on
and how many failed. Hypothesis keeps failing examples in `.hypothesis/`, so a
failure found here is replayed first by the next CI run on this machine.

    python evaluation/fuzz.py --examples 2000 --minutes 10
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests" / "test_reliability_fuzz.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="examples per property (CI uses 20)")
    parser.add_argument("--minutes", type=float, default=10.0, help="stop the run after this long")
    args = parser.parse_args()
    env = dict(os.environ, EXTRACTOR_FUZZ_EXAMPLES=str(args.examples), HF_HUB_OFFLINE="1")
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
               "-k", "not real_process", str(TESTS)]
    started = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=args.minutes * 60)
    except subprocess.TimeoutExpired as err:
        output = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
        print(output[-4000:])
        print(f"stopped after {args.minutes} minutes (raise --minutes or lower --examples)")
        return 2
    seconds = time.perf_counter() - started
    tried = 0
    for name, passing in re.findall(r"::(test_\w+).*?(\d+) passing", result.stdout, re.S):
        print(f"{name}: {passing} inputs tried")
        tried += int(passing)
    failed = re.search(r"(\d+) failed", result.stdout)
    print(f"{tried} inputs tried in {seconds:.0f} s; properties failed: {failed.group(1) if failed else 0}")
    if result.returncode:
        print(result.stdout[-6000:])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
