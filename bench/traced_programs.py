"""The programs the tracer benchmarks run, on inputs generated the same way every time."""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]


def default_memvirt():
    for build in ("build/release", "build/rel"):
        path = os.path.join(HERE, "..", build, "memvirt")
        if os.path.exists(path):
            return os.path.normpath(path)
    return "memvirt"


def write_input(path, lines):
    """Lines of random words and numbers, the same for every run (seeded)."""
    rng = random.Random(1)
    with open(path, "w") as out:
        for _ in range(lines):
            out.write(" ".join(rng.choice(WORDS) + str(rng.randrange(100000)) for _ in range(6)))
            out.write("\n")


def program(kind, input_path, scratch):
    # One thread: GNU sort sorts big inputs in parallel, and the rate would then depend on the
    # tracer's handling of threads rather than on its speed.
    if kind == "sort":
        return ["sort", "--parallel=1", "-o", os.path.join(scratch, "sorted"), input_path]
    return ["xz", "-9", "-T1", "-k", "-f", input_path]  # writes input.txt.xz beside it
