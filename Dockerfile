# Builds the pipeline from this repository and runs it as a non-root user.
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY pipeline pipeline
RUN mvn -B -q -DskipTests -Dpipeline.class-data.skip package

FROM eclipse-temurin:17.0.16_8-jre
RUN useradd --system --uid 10001 --home-dir /app pipeline
WORKDIR /app
COPY --from=build /src/pipeline/app/target/pipeline.jar /app/pipeline.jar
COPY --from=build /src/pipeline/app/target/lib /app/lib
# The class-data archive must be made where the jar runs (the JVM checks the jar's path): a training run against a
# throwaway broker on loopback, about 15 s. A start then maps those classes instead of loading them.
RUN java -XX:ArchiveClassesAtExit=/app/pipeline.jsa -Xlog:cds*=off -jar /app/pipeline.jar class-data-training > /tmp/class-data-training.log 2>&1 \
    || (cat /tmp/class-data-training.log; exit 1)
USER pipeline
EXPOSE 9464
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/pipeline.jsa", "-Xlog:cds*=off", "-jar", "/app/pipeline.jar"]
CMD ["run"]
