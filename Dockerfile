# syntax=docker/dockerfile:1.7
#
# One Dockerfile for every NeuroPipe deployable; MODULE picks which (and PORT its HTTP port):
#
#   docker build --build-arg MODULE=gateway                 --build-arg PORT=8080 -t neuropipe/gateway:0.1.0 .
#   docker build --build-arg MODULE=services/neural-encoder --build-arg PORT=8081 -t neuropipe/neural-encoder:0.1.0 .
#   ... services/token-pruner 8082, services/llm-decoder 8083, services/image-generator 8084
#
# Targets:
#   app (default)  JRE 17 image running the module's Spring Boot jar on ONNX Runtime's CPU build
#   app-gpu        the same on a CUDA + cuDNN base, built with -Pgpu (onnxruntime_gpu): CUDA and
#                  TensorRT execution providers (TensorRT also needs libnvinfer: use a TensorRT base
#                  image as CUDA_IMAGE, otherwise the service falls back to CPU and says so)
#   models         the model repository (models/repository) on busybox, for the Helm chart's
#                  init container; compose bind-mounts the directory instead
#
# Images expect the model repository at /models (mount it, or use the models image).

ARG BUILD_IMAGE=eclipse-temurin:17-jdk-noble
ARG JAVA_IMAGE=eclipse-temurin:17-jre-noble
# ONNX Runtime 1.29's GPU build needs CUDA 12.x and cuDNN 9.
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
ARG MODULE=gateway

# ---- sources: only what a module build needs (Maven reads every module's POM, even with -pl) ----
FROM ${BUILD_IMAGE} AS source
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY shared-proto/ shared-proto/
COPY services/ services/
COPY gateway/ gateway/
COPY local/pom.xml local/pom.xml
COPY helm/pom.xml helm/pom.xml

# ---- build: the module and what it depends on; tests neither compiled nor run (CI runs them) ----
FROM source AS build
ARG MODULE
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    ./mvnw -B -ntp -Pfast -Dmaven.test.skip=true -pl "${MODULE}" -am package \
 && mkdir -p /out && cp "${MODULE}"/target/*-exec.jar /out/app.jar

FROM source AS build-gpu
ARG MODULE
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    ./mvnw -B -ntp -Pfast,gpu -Dmaven.test.skip=true -pl "${MODULE}" -am package \
 && mkdir -p /out && cp "${MODULE}"/target/*-exec.jar /out/app.jar

# ---- models: the repository, copied into pods by the chart's init container ----
FROM busybox:1.37 AS models
COPY models/repository/ /models/
USER 10001:10001

# ---- app-gpu: CUDA runtime + cuDNN with Temurin's JRE 17 copied in ----
FROM ${JAVA_IMAGE} AS jre

FROM ${CUDA_IMAGE} AS app-gpu
ARG MODULE
ARG PORT=8080
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=jre /opt/java/openjdk ${JAVA_HOME}
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 neuropipe \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home neuropipe \
 && mkdir -p /app /models && chown neuropipe:neuropipe /app
COPY --from=build-gpu --chown=10001:10001 /out/app.jar /app/app.jar
ENV SERVER_PORT=${PORT} \
    NEUROPIPE_MODELS_REPOSITORY=/models \
    NEUROPIPE_GATEWAY_MODEL_REPOSITORY=/models \
    NEUROPIPE_RUNTIME_EXECUTION_PROVIDER=cuda \
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED=true \
    DJL_CACHE_DIR=/tmp/djl \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
LABEL org.opencontainers.image.title="neuropipe ${MODULE} (GPU)" \
      org.opencontainers.image.source="https://github.com/neuropipe/neuropipe"
USER 10001:10001
WORKDIR /app
EXPOSE ${PORT}
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
  CMD curl -fsS "http://localhost:${SERVER_PORT}/actuator/health/readiness" > /dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/app.jar"]

# ---- app (default): JRE 17, CPU execution provider ----
FROM ${JAVA_IMAGE} AS app
ARG MODULE
ARG PORT=8080
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 neuropipe \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home neuropipe \
 && mkdir -p /app /models && chown neuropipe:neuropipe /app
COPY --from=build --chown=10001:10001 /out/app.jar /app/app.jar
ENV SERVER_PORT=${PORT} \
    NEUROPIPE_MODELS_REPOSITORY=/models \
    NEUROPIPE_GATEWAY_MODEL_REPOSITORY=/models \
    NEUROPIPE_RUNTIME_EXECUTION_PROVIDER=cpu \
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED=true \
    DJL_CACHE_DIR=/tmp/djl \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
LABEL org.opencontainers.image.title="neuropipe ${MODULE}" \
      org.opencontainers.image.source="https://github.com/neuropipe/neuropipe"
USER 10001:10001
WORKDIR /app
EXPOSE ${PORT}
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS "http://localhost:${SERVER_PORT}/actuator/health/readiness" > /dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
