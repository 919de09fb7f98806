# Builds the image of one farepipe binary for publishing to a registry
# (hack/images.sh builds the same images without Docker, for a local
# cluster):
#
#   docker build --build-arg CMD=fetch --build-arg VERSION=v1.4.0 -t registry.example/farepipe/fetch:v1.4.0 .
#
# CMD is fetch, land, transform, index or farepipe. The binary is at
# /usr/local/bin/$CMD, the path the WorkflowTemplates run, on distroless
# static (CA certificates, /tmp, no shell), as user 65532 (nonroot).
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
ARG CMD=fetch
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY internal ./internal
COPY steps ./steps
RUN case "$CMD" in \
      farepipe) pkg=./cmd/farepipe ;; \
      fetch|land|transform|index) pkg="./steps/$CMD" ;; \
      *) echo "CMD must be fetch, land, transform, index or farepipe" >&2; exit 2 ;; \
    esac && \
    mkdir /out && \
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/farepipe/farepipe/internal/version.Version=${VERSION}" \
      -o "/out/$CMD" "$pkg" && \
    ln -s "$CMD" /out/entrypoint

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ /usr/local/bin/
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/entrypoint"]
