# shellcheck shell=bash
# tools/tool-checks.sh - checks shared by tools/deps and tools/doctor
# (sourced, not run): one definition of "this tool is usable", so the
# installer and the doctor never disagree.

have_bochs_sdl() {
    local d
    for d in /usr/lib/*/bochs/plugins /usr/lib/bochs/plugins /usr/local/lib/bochs/plugins; do
        ls "$d"/libbx_sdl2*.so* >/dev/null 2>&1 && return 0
    done
    return 1
}

have_python() {
    command -v python3 >/dev/null &&
        python3 -c 'import sys; sys.exit(sys.version_info < (3, 7))' 2>/dev/null
}
