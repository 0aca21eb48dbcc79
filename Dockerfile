# syntax=docker/dockerfile:1
# The image with the JDK 25 ahead-of-time cache (docs/benchmarks.md, "Start-up: the AOT cache"). Not built on the machine
# this was written on (no Docker engine there): build and check it where one is.
#
#   ./mvnw -B -q package -DskipTests -DskipChainTools
#   docker build --network=host \
#     --build-arg TRAINING_DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/scratch -t eth-balance-indexer .
#   # trained on a short sweep: the node URL (it carries an API key) as a build secret, never a build arg (build
#   # args stay readable in the image's history)
#   TRAINING_RPC_URL=https://... docker build --network=host --secret id=training_rpc_url,env=TRAINING_RPC_URL \
#     --build-arg TRAINING_DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/scratch -t eth-balance-indexer .
#
# The training run needs a reachable SCRATCH database (never production): Flyway migrates it and Spring Batch's
# JDBC job repository connects at refresh. With the training_rpc_url secret too (a node), it is a real short sweep: the sweep
# job through the launcher over TRAINING_WALLETS (default 200) of the scratch database's eth_wallet_balances, then
# exit, so the cache also covers the step, the HTTP client, the call codec and the JDBC writes (insert a few wallet
# rows first, or the sweep ends at its first empty page). Without it, the training refreshes the Spring context
# and exits (-Dspring.context.exit=onRefresh). Without TRAINING_DATABASE_URL the image has no cache and starts as
# before.
FROM eclipse-temurin:25-jdk AS extract
WORKDIR /build
COPY target/eth-balance-indexer.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --destination /app

FROM eclipse-temurin:25-jre AS train
ARG TRAINING_DATABASE_URL=""
ARG TRAINING_DATABASE_USER=postgres
ARG TRAINING_DATABASE_PASSWORD=""
ARG TRAINING_WALLETS=200
COPY --from=extract /app /app
WORKDIR /app
# The same JDK build as the final stage: a cache from another build is refused (with a warning) at start-up.
# The same JVM options as the sweep's CronJob (k8s-cronjob/base/cronjob-sweep.yaml, JAVA_TOOL_OPTIONS), so the cache
# is trained as it is used: -Dspring.aot.enabled=true runs the bean definitions the build generated for the sweep
# (docs/operations.md, "Spring AOT"). The other workloads run without it and load what the cache holds of theirs.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Duser.timezone=UTC -Dspring.aot.enabled=true"
# The entrypoint's start-up flags (scripts/aot-cache.sh says why): trained with them too, so the
# method profiles the cache replays are those of the run.
ENV START_OPTS="-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000 -XX:Tier2InvokeNotifyFreqLog=16 -XX:Tier2BackedgeNotifyFreqLog=17"
RUN --mount=type=secret,id=training_rpc_url \
    if [ -n "$TRAINING_DATABASE_URL" ] && [ -s /run/secrets/training_rpc_url ]; then \
      java $START_OPTS -XX:AOTCacheOutput=/app/app.aot -jar eth-balance-indexer.jar \
        --spring.datasource.url="$TRAINING_DATABASE_URL" --spring.datasource.username="$TRAINING_DATABASE_USER" \
        --spring.datasource.password="$TRAINING_DATABASE_PASSWORD" \
        --indexer.launcher.job=staleRefreshJob --indexer.chain.rpc-url="$(cat /run/secrets/training_rpc_url)" \
        --indexer.sweep.max-wallets="$TRAINING_WALLETS"; \
    elif [ -n "$TRAINING_DATABASE_URL" ]; then \
      java $START_OPTS -XX:AOTCacheOutput=/app/app.aot -Dspring.context.exit=onRefresh -jar eth-balance-indexer.jar \
        --spring.datasource.url="$TRAINING_DATABASE_URL" --spring.datasource.username="$TRAINING_DATABASE_USER" \
        --spring.datasource.password="$TRAINING_DATABASE_PASSWORD" \
        --indexer.launcher.job=staleRefreshJob \
        --indexer.chain.rpc-url=http://127.0.0.1:1 --indexer.chain.verify-contracts=false; \
    fi

FROM eclipse-temurin:25-jre
COPY --from=train /app /app
WORKDIR /app
USER 1000:1000
# -XX:AOTCache with a missing or unusable file only warns and starts without it (AOTMode=auto), so the k8s
# manifests can pass it whether or not this image has the cache. The start-up flags (C2 later:
# scripts/aot-cache.sh, docs/benchmarks.md "Start-up flags" and "C2 later for trained methods").
ENTRYPOINT ["java", "-XX:AOTCache=/app/app.aot", \
  "-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000", \
  "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000", \
  "-XX:Tier2InvokeNotifyFreqLog=16", "-XX:Tier2BackedgeNotifyFreqLog=17", \
  "-jar", "/app/eth-balance-indexer.jar"]
