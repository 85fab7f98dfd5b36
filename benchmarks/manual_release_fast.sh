#!/usr/bin/env bash
# The seed's release checklist (RELEASE.md) as a fast maintainer runs it by hand today: one
# development environment with the tools installed, pytest run directly (the unit tests with
# coverage, then integration, then benchmark), the examples and the API docs, uv for the clean
# installs, then bump-my-version, towncrier, build, twine. The baseline the release benchmark
# (tests/benchmarks/test_release_speed.py) holds `nox -s release` against; manual_release.sh,
# the slower venv-and-pip way, runs beside it.
#
# usage: manual_release_fast.sh NEW_VERSION   (run in the project's checkout)
# environment:
#   PY                                   a python with the package installed editable and
#                                        pytest, pytest-cov, sphinx, bump-my-version,
#                                        towncrier, build, twine
#   UV                                   uv (default: uv on PATH)
#   TEST_UPLOAD_URL TEST_SIMPLE_URL      the TestPyPI stand-in
#   UPLOAD_URL SIMPLE_URL                the PyPI stand-in
#   TWINE_USERNAME TWINE_PASSWORD        the login twine uses for both
# Each step prints "step NAME SECONDS" when it ends (the benchmark reads these lines).
set -euo pipefail
new=$1
name=llm-karpathy-consortium
module=llm_karpathy_consortium
uv=${UV:-uv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
last=${EPOCHREALTIME/[.,]/}
step() {  # step NAME: the seconds since the previous step ended
    local now=${EPOCHREALTIME/[.,]/}
    local us=$((now - last))
    printf '\nstep %s %d.%02d\n' "$1" $((us / 1000000)) $((us % 1000000 / 10000))
    last=$now
}
clean_install() {  # clean_install DIR ARGS...: a fresh uv venv with ARGS installed
    local dir=$1
    shift
    "$uv" venv -q -p "$PY" "$dir"
    "$uv" pip install -q --python "$dir/bin/python" "$@"
}

# 1. Preparation: on main, up to date; tests pass; coverage above the threshold.
git checkout -q main
git pull -q --ff-only
step preflight
"$PY" -m pytest -q -p no:cacheprovider -m "not integration and not benchmark" --cov --cov-fail-under=90
step tests+coverage
"$PY" -m pytest -q -p no:cacheprovider -m integration
step integration
"$PY" -m pytest -q -p no:cacheprovider -m benchmark
step benchmark

# 2. Documentation builds; examples work; a clean editable install works.
"$PY" -m sphinx -W -q -b html docs "$work/html"
step docs
for script in examples/*.py; do "$PY" "$script" >/dev/null; done
step examples
clean_install "$work/editable" -e .
"$work/editable/bin/python" -c "import $module"
step editable-install

# Version files and the changelog, then the release commit and tag.
"$PY" -m bumpversion bump --new-version "$new" --no-commit --no-tag patch
"$PY" -m towncrier build --yes --version "$new"
git add -A
git commit -q -m "Release v$new"
git tag -a "v$new" -m "Release v$new"
step commit+tag

# 4. Build.
rm -rf dist
"$PY" -m build -q --installer uv --outdir dist .
"$PY" -m twine check --strict dist/*
step build

# 5. TestPyPI first, then verify an install from it.
"$PY" -m twine upload --non-interactive --repository-url "$TEST_UPLOAD_URL" dist/*
step test-upload
clean_install "$work/from-test" --no-cache --index-url "$TEST_SIMPLE_URL" "$name==$new"
"$work/from-test/bin/python" -c "import $module; assert $module.__version__ == '$new'"
step test-verify

# Push the release commit and tag, then production.
git push -q --atomic origin main "v$new"
step push
"$PY" -m twine upload --non-interactive --repository-url "$UPLOAD_URL" dist/*
step upload
clean_install "$work/from-prod" --no-cache --index-url "$SIMPLE_URL" "$name==$new"
"$work/from-prod/bin/python" -c "import $module; assert $module.__version__ == '$new'"
step verify
echo "released $name $new"
