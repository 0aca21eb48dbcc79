# The image with the JDK 25 ahead-of-time cache (docs/benchmarks.md, "Start-up: the AOT cache"). Not built on the machine
# this was written on (no Docker engine there): build and check it where one is.
#
#   ./mvnw -B -q package -DskipTests -DskipChainTools
#   docker build --network=host \
#     --build-arg TRAINING_DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/scratch -t eth-balance-indexer .
#
# The training run refreshes the Spring context and exits (-Dspring.context.exit=onRefresh); Flyway migrates and
# Spring Batch's JDBC job repository connects at refresh, so it needs a reachable SCRATCH database (never
# production). Without TRAINING_DATABASE_URL the image is built without a cache and starts as before.
FROM eclipse-temurin:25-jdk AS extract
WORKDIR /build
COPY target/eth-balance-indexer.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --destination /app

FROM eclipse-temurin:25-jre AS train
ARG TRAINING_DATABASE_URL=""
ARG TRAINING_DATABASE_USER=postgres
ARG TRAINING_DATABASE_PASSWORD=""
COPY --from=extract /app /app
WORKDIR /app
# The same JDK build as the final stage: a cache from another build is refused (with a warning) at start-up.
# The same JVM options as the k8s manifests give the workloads (their JAVA_TOOL_OPTIONS), so the cache is trained
# as it is used.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Duser.timezone=UTC"
RUN if [ -n "$TRAINING_DATABASE_URL" ]; then \
      java -XX:AOTCacheOutput=/app/app.aot -Dspring.context.exit=onRefresh -jar eth-balance-indexer.jar \
        --spring.datasource.url="$TRAINING_DATABASE_URL" --spring.datasource.username="$TRAINING_DATABASE_USER" \
        --spring.datasource.password="$TRAINING_DATABASE_PASSWORD" \
        --indexer.launcher.job=staleRefreshJob --indexer.launcher.enabled=false \
        --indexer.chain.rpc-url=http://127.0.0.1:1 --indexer.chain.verify-contracts=false; \
    fi

FROM eclipse-temurin:25-jre
COPY --from=train /app /app
WORKDIR /app
USER 1000:1000
# -XX:AOTCache with a missing or unusable file only warns and starts without it (AOTMode=auto), so the k8s
# manifests can pass it whether or not this image has the cache.
ENTRYPOINT ["java", "-XX:AOTCache=/app/app.aot", "-jar", "/app/eth-balance-indexer.jar"]
