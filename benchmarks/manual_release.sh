#!/usr/bin/env bash
# The seed's release checklist (RELEASE.md), done by hand with the same tools releasekit
# drives: pytest, bump-my-version, towncrier, git, build, twine, pip. The peer of
# `nox -s release` in tests/benchmarks/test_release_speed.py.
#
# usage: manual_release.sh NEW_VERSION   (run in the project's checkout)
# environment:
#   PY                                   a python with the package installed editable and
#                                        pytest, pytest-cov, sphinx, bump-my-version,
#                                        towncrier, build, twine
#   TEST_UPLOAD_URL TEST_SIMPLE_URL      the TestPyPI stand-in
#   UPLOAD_URL SIMPLE_URL                the PyPI stand-in
#   TWINE_USERNAME TWINE_PASSWORD        the login twine uses for both
set -euo pipefail
new=$1
name=llm-karpathy-consortium
module=llm_karpathy_consortium
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Preparation: on main, up to date; tests pass; coverage above the threshold.
git checkout -q main
git pull -q --ff-only
"$PY" -m pytest -q -m "not integration and not benchmark" --cov --cov-fail-under=90
"$PY" -m pytest -q -m integration
"$PY" -m pytest -q -m benchmark

# 2. Documentation builds; examples work; a clean editable install works.
"$PY" -m sphinx -W -q -b html docs "$work/html"
for script in examples/*.py; do "$PY" "$script"; done
"$PY" -m venv "$work/editable"
"$work/editable/bin/python" -m pip install -q -e .
"$work/editable/bin/python" -c "import $module"

# Version files and the changelog, then the release commit and tag.
"$PY" -m bumpversion bump --new-version "$new" --no-commit --no-tag patch
"$PY" -m towncrier build --yes --version "$new"
git add -A
git commit -q -m "Release v$new"
git tag -a "v$new" -m "Release v$new"

# 4. Build.
rm -rf dist
"$PY" -m build -q --outdir dist .
"$PY" -m twine check --strict dist/*

# 5. TestPyPI first, then verify an install from it.
"$PY" -m twine upload --non-interactive --repository-url "$TEST_UPLOAD_URL" dist/*
"$PY" -m venv "$work/from-test"
"$work/from-test/bin/python" -m pip install -q --no-cache-dir --index-url "$TEST_SIMPLE_URL" "$name==$new"
"$work/from-test/bin/python" -c "import $module; assert $module.__version__ == '$new'"

# Push the release commit and tag, then production.
git push -q --atomic origin main "v$new"
"$PY" -m twine upload --non-interactive --repository-url "$UPLOAD_URL" dist/*
"$PY" -m venv "$work/from-prod"
"$work/from-prod/bin/python" -m pip install -q --no-cache-dir --index-url "$SIMPLE_URL" "$name==$new"
"$work/from-prod/bin/python" -c "import $module; assert $module.__version__ == '$new'"
echo "released $name $new"
