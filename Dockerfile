# Herald container image.
#   docker build -t herald .
#   docker run -p 8080:8080 -e HERALD_PUBLISH_KEY=... herald
# Arguments after the image name replace the default "-conf conf/herald.json"; JAVA_OPTS can be overridden
# with -e JAVA_OPTS=... (defaults as in scripts/run).

# --- build ---
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so they stay cached while only sources change.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -DskipTests package

# --- runtime ---
FROM eclipse-temurin:17-jre
RUN groupadd --system herald && useradd --system --gid herald --home-dir /app --no-create-home herald
WORKDIR /app
COPY --from=build /src/target/herald.jar /app/herald.jar
COPY conf/ /app/conf/
USER herald
EXPOSE 8080 5701
# The G1ConcRefinement flags exist up to Java 19 only (see scripts/lib.sh); this image is Java 17.
ENV JAVA_OPTS="-XX:+UseG1GC -Xms1g -Xmx1g -XX:+UseCompressedOops -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -XX:MaxDirectMemorySize=512m -Dio.netty.allocator.maxOrder=9 -XX:-G1UseAdaptiveConcRefinement -XX:G1ConcRefinementGreenZone=1000000 -XX:G1ConcRefinementYellowZone=2000000 -XX:G1ConcRefinementRedZone=3000000"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/herald.jar \"$@\"", "--"]
CMD ["-conf", "conf/herald.json"]
