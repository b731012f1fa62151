# Builds the pipeline from this repository and runs it as a non-root user.
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY pipeline pipeline
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17.0.16_8-jre
RUN useradd --system --uid 10001 --home-dir /app pipeline
WORKDIR /app
COPY --from=build /src/pipeline/target/pipeline.jar /app/pipeline.jar
COPY --from=build /src/pipeline/target/lib /app/lib
USER pipeline
EXPOSE 9464
ENTRYPOINT ["java", "-jar", "/app/pipeline.jar"]
CMD ["run"]
