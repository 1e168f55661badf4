using System.Reflection;
using System.Xml.Linq;

namespace Multimodal.Sdk.Architecture.Tests;

/// <summary>
/// Guards house-style point 6: Abstractions &lt;- core &lt;- Vision / Speech / Retrieval &lt;- Video, Runtime packages
/// are leaves, and only they reference a native ONNX Runtime package.
/// </summary>
public class DependencyRuleTests
{
    // Allowed project references of each src project; anything else is a violation.
    private static readonly Dictionary<string, string[]> AllowedProjectReferences = new()
    {
        ["Multimodal.Sdk.Abstractions"] = [],
        ["Multimodal.Sdk"] = ["Multimodal.Sdk.Abstractions"],
        ["Multimodal.Sdk.Vision"] = ["Multimodal.Sdk"],
        ["Multimodal.Sdk.Speech"] = ["Multimodal.Sdk"],
        ["Multimodal.Sdk.Retrieval"] = ["Multimodal.Sdk"],
        ["Multimodal.Sdk.Retrieval.Postgres"] = ["Multimodal.Sdk.Retrieval"],
        ["Multimodal.Sdk.Evaluation"] = ["Multimodal.Sdk", "Multimodal.Sdk.Abstractions"],
        ["Multimodal.Sdk.Video"] = ["Multimodal.Sdk.Vision", "Multimodal.Sdk.Speech"],
        ["Multimodal.Sdk.Runtime.Cpu"] = ["Multimodal.Sdk"],
        ["Multimodal.Sdk.Runtime.Cuda"] = ["Multimodal.Sdk"],

        // The HTTP side (issue 21): the server hosts capability pipelines; the remote client needs only the interfaces.
        ["Multimodal.Sdk.Server"] = ["Multimodal.Sdk.Vision", "Multimodal.Sdk.Speech", "Multimodal.Sdk.Retrieval"],
        ["Multimodal.Sdk.OpenAI"] = ["Multimodal.Sdk.Abstractions"],

        // The bundled tiny models as a package (issue 24): model files plus TinyModels, which throws the SDK's ModelNotFoundException.
        ["Multimodal.Sdk.Models.Tiny"] = ["Multimodal.Sdk.Abstractions"],
    };

    private static readonly string[] NativeOrtPackages =
        ["Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.Gpu", "Microsoft.ML.OnnxRuntime.Gpu.Linux", "Microsoft.ML.OnnxRuntime.Gpu.Windows", "Microsoft.ML.OnnxRuntime.DirectML"];

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(RepoPaths.Root, "src")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void ProjectReferencesFollowTheDependencyRule(string project)
    {
        Assert.True(AllowedProjectReferences.ContainsKey(project), $"src/{project} is not in the dependency rule table; add it deliberately.");
        var references = ReadProject(project).ProjectReferences;
        var forbidden = references.Except(AllowedProjectReferences[project]).ToList();
        Assert.True(forbidden.Count == 0, $"{project} references {string.Join(", ", forbidden)}, which the dependency rule forbids.");
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void OnlyRuntimePackagesReferenceANativeOnnxRuntime(string project)
    {
        var native = ReadProject(project).PackageReferences.Intersect(NativeOrtPackages).ToList();
        if (project.StartsWith("Multimodal.Sdk.Runtime.", StringComparison.Ordinal))
        {
            Assert.Single(native);
        }
        else
        {
            Assert.True(native.Count == 0, $"{project} references native ONNX Runtime package(s) {string.Join(", ", native)}; only Runtime.Cpu / Runtime.Cuda may.");
        }
    }

    [Fact]
    public void AbstractionsCompilesAgainstNoOnnxRuntimeAndNoImageLibrary()
    {
        var referenced = typeof(MultimodalException).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(referenced, n => n.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));
        Assert.DoesNotContain(referenced, n => n.StartsWith("SixLabors", StringComparison.Ordinal));
        string[] allowed = ["Microsoft.Extensions.AI.Abstractions", "System.Numerics.Tensors"];
        Assert.All(ReadProject("Multimodal.Sdk.Abstractions").PackageReferences, p => Assert.Contains(p, allowed));
    }

    [Fact]
    public void NoAssemblyReferencesAnotherAgainstTheRule()
    {
        // The compiled view of the same rule: catches references that arrive transitively through a package.
        foreach (var assembly in SdkAssemblies())
        {
            string name = assembly.GetName().Name!;
            var sdkRefs = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Multimodal.Sdk", StringComparison.Ordinal)).ToList();
            var allowed = Closure(name);
            var bad = sdkRefs.Where(r => !allowed.Contains(r)).ToList();
            Assert.True(bad.Count == 0, $"{name} references {string.Join(", ", bad)}.");
        }
    }

    /// <summary>
    /// A part used by one capability lives in that capability's package: image code (and ImageSharp) only where images
    /// are a capability's input, audio decoding only in Speech, so a speech-only application ships no image library
    /// and a vision-only one no WAV or ffmpeg code.
    /// </summary>
    [Theory]
    [InlineData("Multimodal.Sdk", "SixLabors.ImageSharp", false)]
    [InlineData("Multimodal.Sdk.Speech", "SixLabors.ImageSharp", false)]
    [InlineData("Multimodal.Sdk.Vision", "SixLabors.ImageSharp", true)]
    public void OnlyVisionReferencesTheImageLibrary(string project, string package, bool allowed)
    {
        var assembly = Assembly.Load(project);
        bool references = assembly.GetReferencedAssemblies().Any(a => a.Name == package) || ReadProject(project).PackageReferences.Contains(package);
        Assert.True(references == allowed, $"{project} {(references ? "references" : "does not reference")} {package}; the image library belongs to Multimodal.Sdk.Vision only.");
    }

    [Theory]
    [InlineData("Multimodal.Sdk.ImageSharpImageDecoder", "Multimodal.Sdk.Vision")]
    [InlineData("Multimodal.Sdk.ImagePreprocessor", "Multimodal.Sdk.Vision")]
    [InlineData("Multimodal.Sdk.ImagePreprocessorConfig", "Multimodal.Sdk.Vision")]
    [InlineData("Multimodal.Sdk.ChatTemplate", "Multimodal.Sdk.Vision")]
    [InlineData("Multimodal.Sdk.AudioFile", "Multimodal.Sdk.Speech")]
    [InlineData("Multimodal.Sdk.WavSampleReader", "Multimodal.Sdk.Speech")]
    [InlineData("Multimodal.Sdk.FfmpegSampleReader", "Multimodal.Sdk.Speech")]
    [InlineData("Multimodal.Sdk.PolyphaseResampler", "Multimodal.Sdk.Speech")]
    [InlineData("Multimodal.Sdk.AudioFeatureConfig", "Multimodal.Sdk.Speech")]
    public void EachPartLivesInThePackageThatUsesIt(string typeName, string expectedAssembly)
    {
        var owners = SdkAssemblies().Where(a => a.GetType(typeName, throwOnError: false) is not null).Select(a => a.GetName().Name).ToList();
        Assert.Equal([expectedAssembly], owners);
    }

    [Fact]
    public void CudaPinsEveryOnnxRuntimePackageToTheGpuVersion()
    {
        var props = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Packages.props"));
        string ortVersion = props.Descendants("OnnxRuntimeVersion").Single().Value;
        Assert.Equal("1.31.0", ortVersion);
        var ortPackages = props.Descendants("PackageVersion")
            .Where(e => ((string?)e.Attribute("Include"))!.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(ortPackages);
        Assert.All(ortPackages, p => Assert.Equal("$(OnnxRuntimeVersion)", (string?)p.Attribute("Version")));
    }

    internal static IEnumerable<Assembly> SdkAssemblies()
    {
        foreach (var project in AllowedProjectReferences.Keys)
        {
            Assembly? assembly = null;
            try
            {
                assembly = Assembly.Load(project);
            }
            catch (FileNotFoundException)
            {
                // A project in the table that does not exist yet (its issue is still open).
            }

            if (assembly is not null)
            {
                yield return assembly;
            }
        }
    }

    private static HashSet<string> Closure(string project)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(AllowedProjectReferences.GetValueOrDefault(project, []));
        while (stack.TryPop(out var p))
        {
            if (result.Add(p))
            {
                foreach (var q in AllowedProjectReferences.GetValueOrDefault(p, []))
                {
                    stack.Push(q);
                }
            }
        }

        return result;
    }

    private static (List<string> ProjectReferences, List<string> PackageReferences) ReadProject(string project)
    {
        var doc = XDocument.Load(Path.Combine(RepoPaths.Root, "src", project, project + ".csproj"));
        var projects = doc.Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(((string)e.Attribute("Include")!).Replace('\\', '/')))
            .ToList();
        var packages = doc.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!).ToList();
        return (projects, packages);
    }
}
