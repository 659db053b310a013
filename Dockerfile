# Multi-stage: build with the project's own install script, ship only the binary.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN bash deploy/install-deps.sh \
 && cmake --preset release -DRUNHUB_BUILD_TESTS=OFF \
 && cmake --build --preset runhub

FROM debian:12
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libboost-json1.81.0 libboost-url1.81.0 libssl3 libspdlog1.10 libfmt9 libhiredis0.14 libjemalloc2 \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home runhub
COPY --from=build /src/build/release/service/runhub /usr/local/bin/runhub
USER runhub
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/runhub"]
CMD ["serve", "--listen", "0.0.0.0:8080"]
