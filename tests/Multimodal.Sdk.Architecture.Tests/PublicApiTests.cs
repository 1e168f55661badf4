using System.Reflection;
using System.Text;

namespace Multimodal.Sdk.Architecture.Tests;

/// <summary>
/// The public API of every src assembly is checked in as src/&lt;Project&gt;/PublicAPI.txt. A change to the public
/// surface fails here until the listing is updated on purpose: run the tests with UPDATE_PUBLIC_API=1 and review the diff.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Assemblies()
    {
        var data = new TheoryData<string>();
        foreach (var a in DependencyRuleTests.SdkAssemblies())
        {
            data.Add(a.GetName().Name!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicApiMatchesTheCheckedInListing(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        string actual = Describe(assembly);
        string path = Path.Combine(RepoPaths.Root, "src", assemblyName, "PublicAPI.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(path, actual);
        }

        string expected = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : string.Empty;
        Assert.True(expected == actual, $"The public API of {assemblyName} changed. If intended, run the tests with UPDATE_PUBLIC_API=1 and review src/{assemblyName}/PublicAPI.txt.\n--- actual ---\n{actual}");
    }

    [Fact]
    public void EveryPublicTypeIsDocumented()
    {
        foreach (var assembly in DependencyRuleTests.SdkAssemblies())
        {
            string xml = Path.ChangeExtension(assembly.Location, ".xml");
            Assert.True(File.Exists(xml), $"{assembly.GetName().Name} does not generate XML documentation.");
            string docs = File.ReadAllText(xml);
            foreach (var type in assembly.GetExportedTypes())
            {
                Assert.Contains($"\"T:{type.FullName!.Replace('+', '.')}\"", docs, StringComparison.Ordinal);
            }
        }
    }

    internal static string Describe(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(Kind(type)).Append(' ').Append(TypeName(type));
            if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && !type.IsInterface)
            {
                sb.Append(" : ").Append(TypeName(b));
            }

            sb.Append('\n');
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = type.GetMembers(flags)
                .Where(m => m is not MethodInfo { IsSpecialName: true })
                .Select(Member)
                .Concat(type.GetMembers(BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .Where(m => m is MethodBase { IsFamily: true } or MethodBase { IsFamilyOrAssembly: true })
                    .Select(m => "protected " + Member(m)))
                .Order(StringComparer.Ordinal);
            foreach (var m in members)
            {
                sb.Append("  ").Append(m).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string Kind(Type t) =>
        t.IsInterface ? "interface" : t.IsEnum ? "enum" : t.IsValueType ? "struct" : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";

    private static string Member(MemberInfo m) => m switch
    {
        ConstructorInfo c => $"ctor({Params(c)})",
        MethodInfo mi => $"{(mi.IsStatic ? "static " : string.Empty)}{(mi.IsAbstract && !mi.DeclaringType!.IsInterface ? "abstract " : mi.IsVirtual && !mi.IsFinal && !mi.DeclaringType!.IsInterface ? "virtual " : string.Empty)}{TypeName(mi.ReturnType)} {mi.Name}{(mi.IsGenericMethod ? "<" + string.Join(",", mi.GetGenericArguments().Select(TypeName)) + ">" : string.Empty)}({Params(mi)})",
        PropertyInfo p => $"{TypeName(p.PropertyType)} {p.Name} {{{(p.GetMethod?.IsPublic == true ? " get;" : string.Empty)}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(x => x.Name == "IsExternalInit") ? " init;" : " set;") : string.Empty)} }}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{TypeName(f.FieldType)} {f.Name}{(f.IsLiteral ? " = " + f.GetRawConstantValue() : string.Empty)}",
        EventInfo e => $"event {TypeName(e.EventHandlerType!)} {e.Name}",
        Type nested => $"nested {TypeName(nested)}",
        _ => m.ToString()!,
    };

    private static string Params(MethodBase m) =>
        string.Join(", ", m.GetParameters().Select(p => $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty)}{TypeName(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string TypeName(Type t)
    {
        if (t.IsByRef)
        {
            return TypeName(t.GetElementType()!);
        }

        if (t.IsArray)
        {
            return TypeName(t.GetElementType()!) + "[]";
        }

        if (t.IsGenericParameter)
        {
            return t.Name;
        }

        string name = t.IsNested ? TypeName(t.DeclaringType!) + "." + t.Name : (t.Namespace is null ? t.Name : t.Namespace + "." + t.Name);
        if (t.IsGenericType)
        {
            name = name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(",", t.GetGenericArguments().Select(TypeName)) + ">";
        }

        return name;
    }
}
