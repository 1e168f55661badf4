#!/usr/bin/env bash
# Packs Multimodal.Sdk.Models.Tiny (and the SDK packages a CLIP consumer needs) into a local folder feed, then builds a
# throwaway console project outside the repository that restores them from that feed and runs the tiny CLIP found with
# TinyModels.GetPath: the package works for an application that does not have this repository.
# CI runs it after the tests (they leave Release builds, which --no-build packs); run it by hand the same way.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A version no earlier run has put in the global NuGet cache, so restore takes these packages, not old ones.
version="0.1.0-check.$(date +%s)"
build=()
[ "${MODELS_PACKAGE_BUILD:-0}" = 1 ] || build=(--no-build)

for project in Multimodal.Sdk.Abstractions Multimodal.Sdk Multimodal.Sdk.Vision Multimodal.Sdk.Runtime.Cpu Multimodal.Sdk.Models.Tiny; do
  dotnet pack "$root/src/$project/$project.csproj" -c Release "${build[@]}" -o "$work/feed" -p:Version="$version" --nologo -v quiet
done

mkdir -p "$work/consumer"
cat > "$work/consumer/nuget.config" <<XML
<configuration>
  <packageSources>
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > "$work/consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Multimodal.Sdk.Vision" Version="$version" />
    <PackageReference Include="Multimodal.Sdk.Runtime.Cpu" Version="$version" />
    <PackageReference Include="Multimodal.Sdk.Models.Tiny" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/consumer/Program.cs" <<'CS'
using Multimodal.Sdk;

Console.WriteLine("models: " + string.Join(", ", TinyModels.Names));
using var clip = new ClipEncoder(TinyModels.GetPath(TinyModels.Clip));
var result = await clip.ClassifyAsync(ImageData.FromFile(args[0]), ["red circle", "blue square", "yellow cross"]);
Console.WriteLine($"top label: {result.Labels[0].Label} ({result.Labels[0].Score:P1})");
return result.Labels[0].Label == "blue square" && TinyModels.Names.Contains(TinyModels.Whisper) ? 0 : 1;
CS

dotnet run --project "$work/consumer/Consumer.csproj" -c Release -- "$root/samples/Multimodal.Cli/assets/large-blue-square.png"
echo "models package: ok ($version restored from a folder feed, tiny CLIP ran in a project outside the repository)"
