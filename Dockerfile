# The multimodal server (samples/Multimodal.Server) with the bundled tiny models. Build and run:
#   docker build -t multimodal-server . && docker run -p 8080:8080 multimodal-server
# Own models: mount them and name them, e.g. -v /srv/models:/models:ro -e Models__Clip=/models/clip-vit-b32
# No container engine runs on the build machines: tools/docker/host-run.sh reads this file and runs the same publish
# command, output folder, environment, health check and entry point on the host, and CI runs it. Keep every step on one
# line (RUN, ENV, HEALTHCHECK CMD, ENTRYPOINT as JSON arrays) so that script can follow it.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish samples/Multimodal.Server/Multimodal.Server.csproj -c Release -o /app/publish -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app/publish .
ENV Urls=http://0.0.0.0:8080
ENV DOTNET_gcServer=0
ENV Logging__Console__FormatterName=json
# The image's non-root user (uid 1654); the published files stay owned by root, read-only to it.
USER $APP_UID
EXPOSE 8080
VOLUME ["/models"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["dotnet", "Multimodal.Server.dll", "healthcheck", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["dotnet", "Multimodal.Server.dll"]
