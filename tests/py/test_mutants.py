"""The list of `make mutation` stays true to the tree on every `make test` (the mutation run itself is
too long for it; docs/reliability.md, "Mutants"): each mutant still applies, each test it names
exists, and every row of the learners' table has its policy loss both flipped and zeroed."""
import importlib.util
import re

from harness import ROOT, requires_saccade, saccade

spec = importlib.util.spec_from_file_location("mutation_run", ROOT / "tests/mutation/run.py")
mutation = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mutation)


def test_every_mutant_applies_to_the_tree_once():
    mutants = mutation.read_mutants()
    assert len({m.name for m in mutants}) == len(mutants) >= 20
    for m in mutants:
        mutated, error = m.check_applies(ROOT)
        assert error is None, error
        assert mutated != (ROOT / m.file).read_text()


def test_every_named_test_exists():
    cpp = {p.stem: p.read_text() for p in (ROOT / "tests/cpp").rglob("test_*.cpp")}
    for m in mutation.read_mutants():
        for test in m.tests:
            if test.startswith("py/"):
                path, _, name = test.partition("::")
                source = (ROOT / "tests" / path).read_text()
                assert re.search(rf"^def {re.escape(name)}\(", source, re.M), f"{m.where}: no test {test}"
            else:
                binary, _, case = test.partition(":")
                assert binary in cpp, f"{m.where}: no tests/cpp/**/{binary}.cpp"
                suites, name = case.split("/")[:-1], case.split("/")[-1]  # Boost's path: suite/.../case
                assert not case or f"BOOST_AUTO_TEST_CASE({name})" in cpp[binary], f"{m.where}: no test case {test}"
                assert all(f"BOOST_AUTO_TEST_SUITE({s})" in cpp[binary] for s in suites), f"{m.where}: no suite in {test}"
                top_level = "BOOST_AUTO_TEST_SUITE(" not in cpp[binary]
                assert not case or suites or top_level, f"{m.where}: {test} needs its suite (suite/case)"


@requires_saccade
def test_every_learner_has_its_policy_loss_flipped_and_zeroed():
    listing = saccade("list").stdout
    section = listing.split("learners (train.algorithm):", 1)[1].split("How to add one", 1)[0]
    learners = re.findall(r"^  (\w+) — ", section, re.M)
    assert {"reinforce", "ppo", "a2c", "imitation", "backprop"} <= set(learners)
    mutants = mutation.read_mutants()
    for learner in learners:
        names = {m.name for m in mutants if m.learner == learner}
        assert any(n.endswith("-flipped") for n in names) and any(n.endswith("-zeroed") for n in names), \
            f"learner {learner}: tests/mutation/mutants.ini has no mutant flipping and zeroing its policy loss"
