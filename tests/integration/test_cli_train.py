"""`openaml train` on the command line: the openaml extension `--no-early-stop` runs exactly sgd.maxPasses
passes (without it, training on the banking example stops early once the pass loss stops improving), two runs
with one seed write identical model files, and bad flags fail clearly.

No server: each test runs the binary (OPENAML_BIN, or build/openaml) on files in a temporary folder.
"""

import re

from test_cli_data import BANKING, BANKING_SCHEMA, fails_clearly, run

RECIPE = '{"outputs":["ALL_BINARY","ALL_CATEGORICAL","quantile_bin(ALL_NUMERIC,50)"]}'


def train(tmp_path, name, *extra):
    model = tmp_path / name
    result = run("train", BANKING, "--schema", BANKING_SCHEMA, "--recipe", RECIPE, "--split", "random:0-30:cli",
                 "-o", model, *extra)
    assert result.returncode == 0, result.stderr
    passes = re.search(r"in (\d+) passes", result.stderr)
    assert passes, result.stderr
    return model, int(passes.group(1))


def test_help_documents_no_early_stop():
    result = run("train", "--help")
    assert result.returncode == 0
    assert "--no-early-stop" in result.stdout


def test_no_early_stop_runs_exactly_max_passes(tmp_path):
    _, early = train(tmp_path, "early", "--param", "sgd.maxPasses=25")
    assert early < 25  # banking converges in a few passes: early stop ends training
    _, forced = train(tmp_path, "forced", "--param", "sgd.maxPasses=25", "--no-early-stop")
    assert forced == 25


def test_same_seed_same_model_file(tmp_path):
    a, _ = train(tmp_path, "a", "--seed", "3", "--no-early-stop", "--param", "sgd.maxPasses=4")
    b, _ = train(tmp_path, "b", "--seed", "3", "--no-early-stop", "--param", "sgd.maxPasses=4")
    c, _ = train(tmp_path, "c", "--seed", "4", "--no-early-stop", "--param", "sgd.maxPasses=4")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_no_early_stop_is_a_flag_not_a_parameter(tmp_path):
    # Not an Amazon ML parameter: the sgd.* map refuses it, and the flag takes no value.
    result = run("train", BANKING, "--schema", BANKING_SCHEMA, "-o", tmp_path / "m", "--param", "sgd.earlyStop=false")
    fails_clearly(result, "sgd.earlyStop")
    result = run("train", BANKING, "--schema", BANKING_SCHEMA, "-o", tmp_path / "m", "--no-early-stop=maybe")
    assert result.returncode != 0
    assert "--no-early-stop" in result.stderr and "maybe" in result.stderr, result.stderr
    assert not (tmp_path / "m").exists()


def test_bad_params_fail_clearly(tmp_path):
    for param, message in [("sgd.maxPasses", "is not KEY=VALUE"), ("sgd.maxPasses=0", "out of range [1, 10000]"),
                           ("sgd.maxPasses=abc", "'abc' is not an integer")]:
        result = run("train", BANKING, "--schema", BANKING_SCHEMA, "-o", tmp_path / "m", "--param", param)
        fails_clearly(result, message)
        assert not (tmp_path / "m").exists()
