namespace Multimodal.Sdk;

/// <summary>A statement of a parsed template.</summary>
internal abstract record TemplateNode;

internal sealed record TextNode(string Text) : TemplateNode;

internal sealed record OutputNode(TemplateExpr Value) : TemplateNode;

internal sealed record IfNode(IReadOnlyList<(TemplateExpr Condition, IReadOnlyList<TemplateNode> Body)> Branches, IReadOnlyList<TemplateNode> Else) : TemplateNode;

internal sealed record ForNode(IReadOnlyList<string> Targets, TemplateExpr Iterable, TemplateExpr? Filter, IReadOnlyList<TemplateNode> Body, IReadOnlyList<TemplateNode> Else) : TemplateNode;

/// <summary><c>{% set x = v %}</c>, <c>{% set ns.x = v %}</c> (Attribute set), or the block form (Body set).</summary>
internal sealed record SetNode(string Name, string? Attribute, TemplateExpr? Value, IReadOnlyList<TemplateNode>? Body) : TemplateNode;

/// <summary><c>{% break %}</c> or <c>{% continue %}</c> (the loopcontrols extension Hugging Face enables).</summary>
internal sealed record LoopControlNode(bool IsBreak) : TemplateNode;

/// <summary>A macro definition; calling it renders its body with the arguments bound.</summary>
internal sealed record MacroNode(string Name, IReadOnlyList<(string Name, TemplateExpr? Default)> Parameters, IReadOnlyList<TemplateNode> Body) : TemplateNode;

/// <summary>A block rendered as it is (<c>{% generation %}</c> marks assistant text for training masks only).</summary>
internal sealed record BlockNode(IReadOnlyList<TemplateNode> Body) : TemplateNode;

/// <summary>An expression with its source offset, for error messages.</summary>
internal abstract record TemplateExpr(int Position);

internal sealed record LiteralExpr(object? Value, int Position) : TemplateExpr(Position);

internal sealed record NameExpr(string Name, int Position) : TemplateExpr(Position);

internal sealed record AttributeExpr(TemplateExpr Target, string Name, int Position) : TemplateExpr(Position);

internal sealed record IndexExpr(TemplateExpr Target, TemplateExpr Index, int Position) : TemplateExpr(Position);

internal sealed record SliceExpr(TemplateExpr Target, TemplateExpr? Start, TemplateExpr? Stop, TemplateExpr? Step, int Position) : TemplateExpr(Position);

internal sealed record CallExpr(TemplateExpr Callee, IReadOnlyList<TemplateExpr> Args, IReadOnlyList<(string Name, TemplateExpr Value)> Kwargs, int Position) : TemplateExpr(Position);

internal sealed record FilterExpr(TemplateExpr Target, string Name, IReadOnlyList<TemplateExpr> Args, IReadOnlyList<(string Name, TemplateExpr Value)> Kwargs, int Position) : TemplateExpr(Position);

internal sealed record TestExpr(TemplateExpr Target, string Name, IReadOnlyList<TemplateExpr> Args, bool Negated, int Position) : TemplateExpr(Position);

internal sealed record UnaryExpr(string Op, TemplateExpr Operand, int Position) : TemplateExpr(Position);

internal sealed record BinaryExpr(string Op, TemplateExpr Left, TemplateExpr Right, int Position) : TemplateExpr(Position);

internal sealed record ConditionalExpr(TemplateExpr Condition, TemplateExpr Then, TemplateExpr? Else, int Position) : TemplateExpr(Position);

internal sealed record ListExpr(IReadOnlyList<TemplateExpr> Items, int Position) : TemplateExpr(Position);

internal sealed record DictExpr(IReadOnlyList<(TemplateExpr Key, TemplateExpr Value)> Items, int Position) : TemplateExpr(Position);
