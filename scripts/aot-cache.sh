#!/usr/bin/env bash
# Makes the JDK 25 ahead-of-time cache (JEP 483/514/515) for the packaged jar, then times start-up with and without
# it side by side. The cache loads only with the same JDK build and the extracted jar it was trained on.
#
#   scripts/aot-cache.sh [dir]        (default dir: target/aot)
#
# Needs target/eth-balance-indexer.jar (./mvnw -B -q package -DskipTests -DskipChainTools) and a reachable
# PostgreSQL: the training run (without a node) refreshes the context (-Dspring.context.exit=onRefresh), and
# Spring Batch's JDBC job repository reads the database type from a connection then. TRAINING_DATABASE_URL (default: a local test_cost
# database) is migrated by Flyway at refresh: point it at a scratch database, never production.
# JAVA (default: the Temurin 25 JDK) must be the JDK that will run the cache. AOT_TIMING=0 makes the cache only
# (the benchmark times start-up to the first chunk itself).
# With TRAINING_RPC_URL (a node; never one that bills you for much), the training run is a real short sweep
# instead: the sweep job through the launcher, TRAINING_WALLETS (default 200) wallets of the training database's
# eth_wallet_balances, then exit; so the cache also covers the step, the HTTP client, the call codec and the JDBC
# writes up to the first chunk and past it. TRAINING_ARGS adds application arguments (space-separated, e.g.
# the benchmark's contract addresses). Without a node it falls back to refreshing the context only.
# START_OPTS: the JVM options the training and the timing runs use, the Dockerfile's entrypoint's (below, issue 18;
# docs/benchmarks.md, "Start-up flags"); START_OPTS= (empty) trains and times without them.
set -euo pipefail
dir=${1:-target/aot}
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
db=${TRAINING_DATABASE_URL:-jdbc:postgresql://127.0.0.1:5432/test_cost}
# C2 waits for ten times the calls and loop turns (Tier4 thresholds): the start-up's
# run-once code stays on C1 while the sweep's codec still reaches C2 within its first
# calls. (-XX:ArchiveRelocationMode=0 saved 0.4 CPU s more but turns off ASLR for the
# cache's mapping: not taken, docs/benchmarks.md.)
default_opts="-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000"
default_opts+=" -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000"
# The cache's method profiles (JEP 515) send a method that reached C2 in training to C2 at
# the 2,048th call of its C1 code, whatever the thresholds above: C1 code with counters
# only (tier 2) checks them every 2^11 calls. Every 2^16 calls instead, the start-up
# code that was hot in training stays on C1; the sweep's hot code still passes 65,536
# calls early in a run (docs/benchmarks.md, "C2 later for trained methods").
default_opts+=" -XX:Tier2InvokeNotifyFreqLog=16 -XX:Tier2BackedgeNotifyFreqLog=17"
# shellcheck disable=SC2206
opts=(${START_OPTS-$default_opts})
# Spring AOT: the bean definitions the build generated for the sweep (pom.xml, generate-spring-aot), as the sweep's
# CronJob runs them (-Dspring.aot.enabled=true in its JAVA_TOOL_OPTIONS). SPRING_AOT=0 trains and times without.
[ "${SPRING_AOT:-1}" = 0 ] || opts+=(-Dspring.aot.enabled=true)
rm -rf "$dir" && mkdir -p "$dir"
"$java" -Djarmode=tools -jar target/eth-balance-indexer.jar extract --destination "$dir/app" >/dev/null
jar=(-jar "$dir/app/eth-balance-indexer.jar"
	--spring.datasource.url="$db" --spring.datasource.username="${TRAINING_DATABASE_USER:-postgres}"
	--spring.datasource.password="${TRAINING_DATABASE_PASSWORD:-}" --indexer.launcher.job=staleRefreshJob)
# Refresh only: no node, and no job launched (the JVM exits when the refresh ends, before the launcher runs).
app=(-Dspring.context.exit=onRefresh "${jar[@]}"
	--indexer.chain.rpc-url=http://127.0.0.1:1 --indexer.chain.verify-contracts=false)
train=("${app[@]}")
if [ -n "${TRAINING_RPC_URL:-}" ]; then
	# A real short run, as a CronJob runs it (contracts checked, the sweep job launched), then exit.
	# shellcheck disable=SC2206
	train=("${jar[@]}" --indexer.chain.rpc-url="$TRAINING_RPC_URL"
		--indexer.sweep.max-wallets="${TRAINING_WALLETS:-200}" ${TRAINING_ARGS:-})
fi
"$java" "${opts[@]}" -XX:AOTCacheOutput="$dir/app.aot" "${train[@]}" >"$dir/training.log" 2>&1
ls -l "$dir/app.aot"
[ "${AOT_TIMING:-1}" = 0 ] && exit 0
# Side by side, alternating: milliseconds from launch to the end of the context refresh, and where they went
# (launch -> Spring's "Starting" line: JVM boot and loading the main class; "Starting" -> first connection:
# configuration and bean creation; the rest: Flyway, Batch's repository, the remaining beans).
ms() { date +%s%3N; }
stamp() { grep -m1 -E "$1" "$2" | cut -c1-24 | xargs -I{} date -d {} +%s%3N; }
for run in 1 2 3; do
	for mode in without with; do
		jvm=("${opts[@]}")
		[ "$mode" = with ] && jvm+=(-XX:AOTCache="$dir/app.aot")
		log="$dir/$mode-$run.log"
		start=$(ms)
		"$java" "${jvm[@]}" "${app[@]}" >"$log" 2>&1
		end=$(ms)
		starting=$(stamp 'Starting (AOT-processed )?EthBalance' "$log")
		pool=$(stamp 'HikariPool-1 - Starting' "$log")
		printf '%-8s cache, run %d: %5d ms (JVM to main %d, config and beans %d, database, Flyway, Batch and the rest %d)\n' \
			"$mode" "$run" $((end - start)) $((starting - start)) $((pool - starting)) $((end - pool))
	done
done
