# Dockerfile - a Debian 12 machine with every tool Parakeet needs, for a
# student whose own machine is neither Debian/Ubuntu nor macOS, and for
# VS Code or GitHub Codespaces (.devcontainer/devcontainer.json builds it).
#
# The packages come from tools/deps, the project's one list; this file
# installs only what runs tools/deps (make, and sudo for the student user).
# tools/test-platforms (a step of make test) checks that it stays so.
#
#   docker build -t parakeet .
#   docker run --rm -it -v "$PWD":/workspaces/parakeet parakeet
#   (then, inside: make run; make test)
#
# The grader and the emulators run as the normal user `student`, never as
# root; `sudo` is there for `make deps` should the list grow.
FROM debian:12

RUN apt-get update && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends make sudo ca-certificates && \
    rm -rf /var/lib/apt/lists/*

COPY tools/deps tools/tool-checks.sh tools/toolprefix /tmp/parakeet/tools/
RUN bash /tmp/parakeet/tools/deps && rm -rf /var/lib/apt/lists/* /tmp/parakeet

RUN useradd --create-home --shell /bin/bash student && \
    echo 'student ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/student && \
    chmod 0440 /etc/sudoers.d/student
USER student
WORKDIR /workspaces/parakeet
CMD ["bash"]
