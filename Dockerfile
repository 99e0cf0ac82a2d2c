# hukz image: build the jar, then run it from a project root holding config and routes.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
RUN mvn -q -B package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /hukz
COPY --from=build /src/target/hukz.jar target/hukz.jar
COPY application.properties config.yml jvm.options ./
COPY routes routes
EXPOSE 8000
ENTRYPOINT ["java", "@jvm.options", "-jar", "target/hukz.jar"]
