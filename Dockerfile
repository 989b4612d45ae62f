# The same images as `make images` (hack/images), for those who build with a
# daemon: a static binary at /usr/local/bin, the CA certificates, and a
# non-root user (65532), on an empty base, with no shell. One target per
# image:
#
#   docker buildx build --platform linux/amd64,linux/arm64 --target meridian-apiserver \
#     --build-arg VERSION=v0.1.0 -t ghcr.io/meridianfed/meridian-apiserver:v0.1.0 .
#
# Targets: meridian-apiserver, meridian-controller, meridian-dashboard (the
# build stage compiles all three binaries; BuildKit shares it between them).
ARG GO_VERSION=1.26
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETARCH
ARG VERSION=v0.1.0-dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN for c in apiserver:meridian-apiserver controller:meridian-controller meridianctl:meridianctl; do \
      CGO_ENABLED=0 GOOS=linux GOARCH=${TARGETARCH} go build -trimpath \
        -ldflags "-s -w -X github.com/meridianfed/meridian/pkg/version.Version=${VERSION}" \
        -o /out/bin/${c#*:} ./cmd/${c%%:*} || exit 1; \
    done && \
    mkdir -p /out/base/etc/ssl/certs /out/base/home/nonroot /out/base/tmp && \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /out/base/etc/passwd && \
    printf 'root:x:0:\nnonroot:x:65532:\n' > /out/base/etc/group && \
    cp /etc/ssl/certs/ca-certificates.crt /out/base/etc/ssl/certs/ && \
    chown 65532:65532 /out/base/home/nonroot && chmod 700 /out/base/home/nonroot && chmod 1777 /out/base/tmp

FROM scratch AS base
ARG VERSION=v0.1.0-dev
COPY --from=build /out/base/etc /etc
COPY --from=build /out/base/tmp /tmp
COPY --from=build --chown=65532:65532 /out/base/home /home
LABEL org.opencontainers.image.source="https://github.com/meridianfed/meridian" \
      org.opencontainers.image.version="${VERSION}"
ENV PATH=/usr/local/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /

FROM base AS meridian-apiserver
COPY --from=build /out/bin/meridian-apiserver /usr/local/bin/
LABEL org.opencontainers.image.title="Meridian aggregated API server (views.meridian.io)"
ENTRYPOINT ["/usr/local/bin/meridian-apiserver"]

FROM base AS meridian-controller
COPY --from=build /out/bin/meridian-controller /usr/local/bin/
LABEL org.opencontainers.image.title="Meridian federation controller"
ENTRYPOINT ["/usr/local/bin/meridian-controller"]

FROM base AS meridian-dashboard
COPY --from=build /out/bin/meridianctl /usr/local/bin/
LABEL org.opencontainers.image.title="Meridian dashboard (meridianctl dashboard)"
ENTRYPOINT ["/usr/local/bin/meridianctl", "dashboard"]
