# scanproof in a container: docker build -t scanproof . && docker run --rm -v "$PWD:/data" -w /data scanproof run
FROM python:3.11-slim
WORKDIR /opt/scanproof
# The Debian package list is shared with the Makefile (packaging/debian-packages.txt).
COPY packaging/ packaging/
RUN apt-get update \
 && grep -v '^\s*#' packaging/debian-packages.txt | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
# The same locked versions as `make run` (README, *Locked versions*), checked against their hashes;
# scanproof itself is built with the locked setuptools.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY pipeline/ pipeline/
RUN pip install --no-cache-dir --no-deps --no-build-isolation .
ENV OMP_THREAD_LIMIT=1
ENTRYPOINT ["scanproof"]
