#!/usr/bin/env python3
"""Hardens the release.yml that `dist generate` writes (dist 0.34.0) so that
`zizmor --offline` reports nothing. Run from the repository root after every
`dist generate`/`dist init`; it fails loudly if the generated text it expects
has changed (e.g. after a dist upgrade), so nothing is edited silently."""
import re
import sys

PATH = ".github/workflows/release.yml"
text = open(PATH, encoding="utf-8").read()
# The release of dist the generated plan job installs; the build jobs get the same.
DIST = re.search(r"cargo-dist/releases/download/(v[0-9][^/]*)/cargo-dist-installer\.sh", text).group(1)
INSTALLER = f"https://github.com/axodotdev/cargo-dist/releases/download/{DIST}/cargo-dist-installer"


def sub(old, new, count=1):
    global text
    found = text.count(old)
    if found != count:
        sys.exit(f"harden-release-yml: expected {count} of {old!r}, found {found}")
    text = text.replace(old, new)


# 1. Least privilege: nothing at the workflow level, contents: read per job,
#    contents: write only where `gh release create` runs (host).
sub('permissions:\n  "contents": "write"\n',
    "# Each job asks for what it needs; only `host` writes (it creates the release).\n"
    "permissions: {}\n")
READ = "    permissions:\n      contents: read # check out the repository\n"
sub('  plan:\n    runs-on: "ubuntu-22.04"\n', '  plan:\n' + READ + '    runs-on: "ubuntu-22.04"\n')
sub("    runs-on: {% raw %}${{ matrix.runner }}{% endraw %}\n", READ + "    runs-on: {% raw %}${{ matrix.runner }}{% endraw %}\n")
sub('      - build-local-artifacts\n    runs-on: "ubuntu-22.04"\n',
    '      - build-local-artifacts\n' + READ + '    runs-on: "ubuntu-22.04"\n')
sub("    if: {% raw %}${{ always() && needs.host.result == 'success' }}{% endraw %}\n    runs-on: \"ubuntu-22.04\"\n",
    "    if: {% raw %}${{ always() && needs.host.result == 'success' }}{% endraw %}\n" + READ + "    runs-on: \"ubuntu-22.04\"\n")
sub('    runs-on: "ubuntu-22.04"\n    outputs:\n      val: {% raw %}${{ steps.host.outputs.manifest }}{% endraw %}\n',
    '    permissions:\n      contents: write # gh release create\n'
    '    runs-on: "ubuntu-22.04"\n    outputs:\n      val: {% raw %}${{ steps.host.outputs.manifest }}{% endraw %}\n')

# 2. No container is used by any of this project's targets.
sub("    container: {% raw %}${{ matrix.container && matrix.container.image || null }}{% endraw %}\n", "")

# 3. Template expansion into run: blocks becomes environment variables.
sub("""      - id: plan
        run: |
          dist {% raw %}${{ (!github.event.pull_request && format('host --steps=create --tag={0}', github.ref_name)) || 'plan' }}{% endraw %} --output-format=json > plan-dist-manifest.json
""", """      - id: plan
        env:
          PUBLISHING: {% raw %}${{ !github.event.pull_request }}{% endraw %}
          TAG: {% raw %}${{ github.ref_name }}{% endraw %}
        run: |
          if [ "$PUBLISHING" = true ]; then
            dist host --steps=create --tag="$TAG" --output-format=json > plan-dist-manifest.json
          else
            dist plan --output-format=json > plan-dist-manifest.json
          fi
""")
# The matrix's install command is the same release of dist as the plan job's.
sub("""      - name: Install dist
        run: {% raw %}${{ matrix.install_dist.run }}{% endraw %}
""", """      - name: Install dist
        if: runner.os != 'Windows'
        shell: bash
        run: "curl --proto '=https' --tlsv1.2 -LsSf INSTALLER.sh | sh"
      - name: Install dist (Windows)
        if: runner.os == 'Windows'
        shell: pwsh
        run: "irm INSTALLER.ps1 | iex"
""".replace("INSTALLER", INSTALLER))
# No system dependencies are configured, so the step would run nothing.
sub("""      - name: Install dependencies
        run: |
          {% raw %}${{ matrix.packages_install }}{% endraw %}
""", "")
sub("""      - name: Build artifacts
        run: |
          # Actually do builds and make zips and whatnot
          dist build {% raw %}${{ needs.plan.outputs.tag-flag }}{% endraw %} --print=linkage --output-format=json {% raw %}${{ matrix.dist_args }}{% endraw %} > dist-manifest.json
""", """      - name: Build artifacts
        shell: bash
        env:
          TAG_FLAG: {% raw %}${{ needs.plan.outputs.tag-flag }}{% endraw %}
          DIST_ARGS: {% raw %}${{ matrix.dist_args }}{% endraw %}
        run: |
          # Actually do builds and make zips and whatnot
          # shellcheck disable=SC2086 # both expand to zero or more arguments
          dist build $TAG_FLAG --print=linkage --output-format=json $DIST_ARGS > dist-manifest.json
""")
sub("""      - id: cargo-dist
        shell: bash
        run: |
          dist build {% raw %}${{ needs.plan.outputs.tag-flag }}{% endraw %} --output-format=json "--artifacts=global" > dist-manifest.json
""", """      - id: cargo-dist
        shell: bash
        env:
          TAG_FLAG: {% raw %}${{ needs.plan.outputs.tag-flag }}{% endraw %}
        run: |
          # shellcheck disable=SC2086 # zero or one argument
          dist build $TAG_FLAG --output-format=json "--artifacts=global" > dist-manifest.json
""")
sub("""      - id: host
        shell: bash
        run: |
          dist host {% raw %}${{ needs.plan.outputs.tag-flag }}{% endraw %} --steps=upload""", """      - id: host
        shell: bash
        env:
          TAG_FLAG: {% raw %}${{ needs.plan.outputs.tag-flag }}{% endraw %}
        run: |
          # shellcheck disable=SC2086 # zero or one argument
          dist host $TAG_FLAG --steps=upload""")
sub("""          RELEASE_COMMIT: "{% raw %}${{ github.sha }}{% endraw %}"
""", """          RELEASE_COMMIT: "{% raw %}${{ github.sha }}{% endraw %}"
          TAG: {% raw %}${{ needs.plan.outputs.tag }}{% endraw %}
""")
sub('gh release create "{% raw %}${{ needs.plan.outputs.tag }}{% endraw %}"', 'gh release create "$TAG"')

open(PATH, "w", encoding="utf-8").write(text)
