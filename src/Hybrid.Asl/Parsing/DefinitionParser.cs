using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;
using Hybrid.Asl.Model;
using Hybrid.Asl.Validation;

namespace Hybrid.Asl.Parsing;

/// <summary>The outcome of parsing a definition: the state machine when it is valid, and every diagnostic.</summary>
public sealed record ParseResult(StateMachine? StateMachine, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => StateMachine is not null;

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// Parses and validates an Amazon States Language definition. It never throws on bad input: every problem becomes a
/// <see cref="Diagnostic"/> with a JSON pointer, and a definition with any error yields no state machine.
/// </summary>
public static class DefinitionParser
{
    /// <summary>Deepest JSON accepted; deeper documents are refused with a diagnostic instead of overflowing the stack.</summary>
    public const int MaxDepth = 256;

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    public static ParseResult Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Fail(new Diagnostic(DiagnosticCodes.MissingDescription, "The definition is empty.", ""));
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, NodeOptions, new JsonDocumentOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
            return Fail(new Diagnostic(DiagnosticCodes.InvalidJsonDescription, $"The definition is not valid JSON{where}: {FirstSentence(e.Message)}", ""));
        }

        return Parse(node);
    }

    public static ParseResult Parse(JsonNode? definition)
    {
        var session = new Session();
        StateMachine? machine = null;
        if (definition is JsonObject root)
        {
            machine = session.ParseMachine(root, "", QueryLanguage.JsonPath, topLevel: true);
            session.CheckVariableScopes();
        }
        else
        {
            session.Error(DiagnosticCodes.SchemaValidationFailed, $"The definition must be a JSON object, not {Describe(definition)}.", "");
        }

        var diagnostics = session.Diagnostics;
        return new ParseResult(diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) ? null : machine, diagnostics);
    }

    private static ParseResult Fail(Diagnostic diagnostic) => new(null, [diagnostic]);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    internal static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private sealed class Session
    {
        /// <summary>The query language of the state being parsed (its fields are read in that language).</summary>
        private QueryLanguage _language = QueryLanguage.JsonPath;

        /// <summary>The type of the state being parsed, and whether a Catch entry of it is (for what $states holds).</summary>
        private StateType _stateType;
        private bool _inCatch;

        /// <summary>The variables assigned in the machine being parsed; each branch and item processor nests a scope.</summary>
        private VariableScope _scope = new();

        public List<Diagnostic> Diagnostics { get; } = [];

        /// <summary>
        /// A Parallel branch or Map item processor can read the variables of the machines around it but not assign them:
        /// AWS refuses a definition that assigns, inside, a name already assigned outside.
        /// </summary>
        public void CheckVariableScopes() => CheckVariableScopes(_scope, new HashSet<string>(StringComparer.Ordinal));

        private void CheckVariableScopes(VariableScope scope, HashSet<string> outer)
        {
            foreach (var (name, pointer) in scope.Assigned)
            {
                if (outer.Contains(name))
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"The variable '{name}' is already assigned in an enclosing state machine: a Parallel branch or Map item processor can read the variables around it but not assign them.", pointer);
                }
            }

            var visible = new HashSet<string>(outer, StringComparer.Ordinal);
            visible.UnionWith(scope.Assigned.Select(a => a.Name));
            foreach (var child in scope.Children)
            {
                CheckVariableScopes(child, visible);
            }
        }

        public void Error(string code, string message, string pointer) => Diagnostics.Add(new Diagnostic(code, message, pointer));

        public void Warning(string code, string message, string pointer) =>
            Diagnostics.Add(new Diagnostic(code, message, pointer, DiagnosticSeverity.Warning));

        public StateMachine? ParseMachine(JsonObject obj, string pointer, QueryLanguage inherited, bool topLevel)
        {
            var allowed = topLevel ? FieldRules.TopLevel : FieldRules.Branch;
            foreach (var (key, _) in obj)
            {
                if (!allowed.Contains(key))
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"The field '{key}' is not supported {(topLevel ? "at the top level of a state machine" : "in a branch or item processor")}.", JsonPointer.Append(pointer, key));
                }
            }

            var language = ParseQueryLanguage(obj, pointer, inherited) ?? inherited;
            var outerScope = _scope;
            if (!topLevel)
            {
                _scope = new VariableScope();
                outerScope.Children.Add(_scope);
            }

            try
            {
                return ParseMachineBody(obj, pointer, language, topLevel);
            }
            finally
            {
                _scope = outerScope;
            }
        }

        private StateMachine? ParseMachineBody(JsonObject obj, string pointer, QueryLanguage language, bool topLevel)
        {
            var startAt = RequiredString(obj, "StartAt", pointer);
            int? timeout = topLevel ? PositiveInteger(obj, "TimeoutSeconds", pointer, max: 99_999_999) : null;
            _ = OptionalString(obj, "Comment", pointer);
            if (topLevel)
            {
                _ = OptionalString(obj, "Version", pointer);
            }

            var statesPointer = JsonPointer.Append(pointer, "States");
            var states = new Dictionary<string, State>(StringComparer.Ordinal);
            if (!obj.TryGetPropertyValue("States", out var statesNode))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "The field 'States' is required.", pointer);
            }
            else if (statesNode is not JsonObject statesObj)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"'States' must be an object of states, not {Describe(statesNode)}.", statesPointer);
            }
            else if (statesObj.Count == 0)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "'States' must define at least one state.", statesPointer);
            }
            else
            {
                foreach (var (name, stateNode) in statesObj)
                {
                    var statePointer = JsonPointer.Append(statesPointer, name);
                    if (name.Length is 0 or > 80)
                    {
                        Error(DiagnosticCodes.InvalidStateName, $"State name '{name}' must be 1 to 80 characters long.", statePointer);
                        continue;
                    }

                    if (ParseState(name, stateNode, statePointer, language) is { } state)
                    {
                        states[name] = state;
                    }
                }
            }

            if (startAt is not null && statesNode is JsonObject all && !all.ContainsKey(startAt))
            {
                Error(DiagnosticCodes.MissingTransitionTarget, $"StartAt names the state '{startAt}', which does not exist.", JsonPointer.Append(pointer, "StartAt"));
            }

            if (statesNode is JsonObject declared && states.Count == declared.Count)
            {
                CheckGraph(states, startAt is not null && declared.ContainsKey(startAt) ? startAt : null, statesPointer);
            }

            return startAt is null ? null : new StateMachine(pointer, startAt, states, language, timeout, obj["Comment"]?.GetValue<string>(), obj);
        }

        private void CheckGraph(Dictionary<string, State> states, string? startAt, string statesPointer)
        {
            var missing = false;
            foreach (var state in states.Values)
            {
                foreach (var target in state.Transitions)
                {
                    if (!states.ContainsKey(target))
                    {
                        missing = true;
                        Error(DiagnosticCodes.MissingTransitionTarget, $"State '{state.Name}' moves to '{target}', which does not exist.", state.Pointer);
                    }
                }
            }

            if (missing || startAt is null)
            {
                return;
            }

            var reached = new HashSet<string>(StringComparer.Ordinal) { startAt };
            var queue = new Queue<string>([startAt]);
            while (queue.TryDequeue(out var name))
            {
                foreach (var target in states[name].Transitions)
                {
                    if (reached.Add(target))
                    {
                        queue.Enqueue(target);
                    }
                }
            }

            foreach (var state in states.Values)
            {
                if (!reached.Contains(state.Name))
                {
                    Error(DiagnosticCodes.UnreachableState, $"State '{state.Name}' cannot be reached from StartAt '{startAt}'.", state.Pointer);
                }
            }

            if (!states.Values.Any(s => s.End || s.Type is StateType.Succeed or StateType.Fail))
            {
                Error(DiagnosticCodes.MissingEndState, "The state machine has no terminal state: no state has \"End\": true, and there is no Succeed or Fail state.", statesPointer);
            }
        }

        private QueryLanguage? ParseQueryLanguage(JsonObject obj, string pointer, QueryLanguage inherited)
        {
            var text = OptionalString(obj, "QueryLanguage", pointer);
            switch (text)
            {
                case null:
                    return null;
                case "JSONPath":
                    if (inherited == QueryLanguage.Jsonata)
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, "A state inside a JSONata state machine cannot set QueryLanguage back to JSONPath.", JsonPointer.Append(pointer, "QueryLanguage"));
                    }

                    return QueryLanguage.JsonPath;
                case "JSONata":
                    return QueryLanguage.Jsonata;
                default:
                    Error(DiagnosticCodes.SchemaValidationFailed, $"QueryLanguage must be 'JSONPath' or 'JSONata', not '{text}'.", JsonPointer.Append(pointer, "QueryLanguage"));
                    return null;
            }
        }

        private State? ParseState(string name, JsonNode? node, string pointer, QueryLanguage machineLanguage)
        {
            if (node is not JsonObject obj)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"State '{name}' must be an object, not {Describe(node)}.", pointer);
                return null;
            }

            var typeText = RequiredString(obj, "Type", pointer);
            if (typeText is null)
            {
                return null;
            }

            if (!Enum.TryParse<StateType>(typeText, ignoreCase: false, out var type) || !Enum.IsDefined(type) || typeText != type.ToString())
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"'{typeText}' is not a state type; use one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map.", JsonPointer.Append(pointer, "Type"));
                return null;
            }

            var errorsBefore = Diagnostics.Count;
            var language = ParseQueryLanguage(obj, pointer, machineLanguage) ?? machineLanguage;
            var (outerLanguage, outerType) = (_language, _stateType);
            (_language, _stateType) = (language, type);
            try
            {
                return ParseStateFields(name, obj, pointer, type, language, errorsBefore);
            }
            finally
            {
                (_language, _stateType) = (outerLanguage, outerType);
            }
        }

        private State? ParseStateFields(string name, JsonObject obj, string pointer, StateType type, QueryLanguage language, int errorsBefore)
        {
            var allowed = FieldRules.Allowed[type];
            foreach (var (key, _) in obj)
            {
                if (!allowed.Contains(key))
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"The field '{key}' is not supported by {type} states.", JsonPointer.Append(pointer, key));
                }
                else
                {
                    CheckLanguage(key, pointer);
                }
            }

            var common = ParseCommon(obj, pointer, type, language);
            State? state = type switch
            {
                StateType.Pass => ParsePass(name, obj, pointer, common),
                StateType.Task => ParseTask(name, obj, pointer, common),
                StateType.Choice => ParseChoice(name, obj, pointer, common),
                StateType.Wait => ParseWait(name, obj, pointer, common),
                StateType.Succeed => new SucceedState(name, pointer, common),
                StateType.Fail => ParseFail(name, obj, pointer, common),
                StateType.Parallel => ParseParallel(name, obj, pointer, common),
                StateType.Map => ParseMap(name, obj, pointer, common),
                _ => null,
            };
            return Diagnostics.Skip(errorsBefore).Any(d => d.Severity == DiagnosticSeverity.Error) ? null : state;
        }

        private StateCommon ParseCommon(JsonObject obj, string pointer, StateType type, QueryLanguage language)
        {
            string? next = null;
            var end = false;
            if (type is StateType.Pass or StateType.Task or StateType.Wait or StateType.Parallel or StateType.Map)
            {
                next = OptionalString(obj, "Next", pointer);
                end = OptionalBool(obj, "End", pointer) ?? false;
                if (next is null && !end)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"A {type} state needs either \"Next\" or \"End\": true.", pointer);
                }
                else if (next is not null && end)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, "A state cannot have both \"Next\" and \"End\": true.", pointer);
                }
                else if (obj.ContainsKey("End") && !end && next is null)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, "\"End\" can only be true.", JsonPointer.Append(pointer, "End"));
                }
            }

            return new StateCommon(
                language,
                OptionalString(obj, "Comment", pointer),
                next,
                end,
                OptionalPathField(obj, "InputPath", pointer),
                OptionalPathField(obj, "OutputPath", pointer),
                TemplateField(obj, "Assign", pointer, objectOnly: true, assign: true),
                TemplateField(obj, "Output", pointer));
        }

        private PassState ParsePass(string name, JsonObject obj, string pointer, StateCommon common)
        {
            var hasResult = obj.TryGetPropertyValue("Result", out var result);
            if (hasResult && ContainsDollarKey(result))
            {
                Warning(DiagnosticCodes.PassResultIsStatic, "Result is a literal: its '.$' keys are not evaluated. Use Parameters to select values from the input.", JsonPointer.Append(pointer, "Result"));
            }

            return new PassState(name, pointer, common, TemplateField(obj, "Parameters", pointer), result?.DeepClone(), hasResult, OptionalPathField(obj, "ResultPath", pointer));
        }

        private TaskState ParseTask(string name, JsonObject obj, string pointer, StateCommon common)
        {
            var resource = RequiredString(obj, "Resource", pointer) ?? "";
            if (resource.Length > 0 && !LooksLikeUri(resource))
            {
                Error(DiagnosticCodes.InvalidResource, $"Resource '{resource}' is not a URI (for example an ARN such as 'arn:aws:states:::lambda:invoke').", JsonPointer.Append(pointer, "Resource"));
            }

            var timeout = DynamicNumberField(obj, "TimeoutSeconds", pointer, min: 1, max: 99_999_999);
            var heartbeat = DynamicNumberField(obj, "HeartbeatSeconds", pointer, min: 1, max: 99_999_999);
            if (heartbeat.Value is { } hb && (timeout.Value ?? 60) <= hb)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"HeartbeatSeconds ({hb}) must be smaller than TimeoutSeconds ({timeout.Value ?? 60}).", JsonPointer.Append(pointer, "HeartbeatSeconds"));
            }

            return new TaskState(name, pointer, common, ParseWork(obj, pointer), resource, timeout, heartbeat, TemplateField(obj, "Credentials", pointer, objectOnly: true));
        }

        private WorkCommon ParseWork(JsonObject obj, string pointer) => new(
            _language == QueryLanguage.Jsonata ? TemplateField(obj, "Arguments", pointer) : TemplateField(obj, "Parameters", pointer),
            TemplateField(obj, "ResultSelector", pointer, objectOnly: true),
            OptionalPathField(obj, "ResultPath", pointer),
            ParseRetry(obj, pointer),
            ParseCatch(obj, pointer));

        private List<Retrier> ParseRetry(JsonObject obj, string pointer)
        {
            var list = new List<Retrier>();
            if (ArrayField(obj, "Retry", pointer) is not { } array)
            {
                return list;
            }

            var retryPointer = JsonPointer.Append(pointer, "Retry");
            for (var i = 0; i < array.Count; i++)
            {
                var itemPointer = JsonPointer.Append(retryPointer, i);
                if (array[i] is not JsonObject retrier)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"Each Retry entry must be an object, not {Describe(array[i])}.", itemPointer);
                    continue;
                }

                CheckFields(retrier, FieldRules.RetrierFields, itemPointer, "a Retry entry");
                var errors = ParseErrorEquals(retrier, itemPointer, isLastEntry: i == array.Count - 1, "Retry");
                var interval = PositiveInteger(retrier, "IntervalSeconds", itemPointer, max: 99_999_999) ?? Retrier.DefaultIntervalSeconds;
                var maxAttempts = NonNegativeInteger(retrier, "MaxAttempts", itemPointer, max: 99_999_999) ?? Retrier.DefaultMaxAttempts;
                var backoff = Number(retrier, "BackoffRate", itemPointer) ?? Retrier.DefaultBackoffRate;
                if (backoff < 1.0)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"BackoffRate must be at least 1.0, not {backoff.ToString(CultureInfo.InvariantCulture)}.", JsonPointer.Append(itemPointer, "BackoffRate"));
                }

                var maxDelay = PositiveInteger(retrier, "MaxDelaySeconds", itemPointer, max: 31_622_400);
                var jitterText = OptionalString(retrier, "JitterStrategy", itemPointer);
                var jitter = jitterText switch
                {
                    null or "NONE" => JitterStrategy.None,
                    "FULL" => JitterStrategy.Full,
                    _ => Invalid(JitterStrategy.None, $"JitterStrategy must be 'FULL' or 'NONE', not '{jitterText}'.", JsonPointer.Append(itemPointer, "JitterStrategy")),
                };
                list.Add(new Retrier(errors, interval, maxAttempts, backoff, maxDelay, jitter));
            }

            return list;
        }

        private List<Catcher> ParseCatch(JsonObject obj, string pointer)
        {
            var list = new List<Catcher>();
            if (ArrayField(obj, "Catch", pointer) is not { } array)
            {
                return list;
            }

            var catchPointer = JsonPointer.Append(pointer, "Catch");
            for (var i = 0; i < array.Count; i++)
            {
                var itemPointer = JsonPointer.Append(catchPointer, i);
                if (array[i] is not JsonObject catcher)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"Each Catch entry must be an object, not {Describe(array[i])}.", itemPointer);
                    continue;
                }

                CheckFields(catcher, FieldRules.CatcherFields, itemPointer, "a Catch entry");
                foreach (var (key, _) in catcher)
                {
                    CheckLanguage(key, itemPointer);
                }

                var errors = ParseErrorEquals(catcher, itemPointer, isLastEntry: i == array.Count - 1, "Catch");
                var next = RequiredString(catcher, "Next", itemPointer) ?? "";
                _inCatch = true;
                try
                {
                    list.Add(new Catcher(errors, next, OptionalPathField(catcher, "ResultPath", itemPointer), TemplateField(catcher, "Assign", itemPointer, objectOnly: true, assign: true), TemplateField(catcher, "Output", itemPointer)));
                }
                finally
                {
                    _inCatch = false;
                }
            }

            return list;
        }

        private List<string> ParseErrorEquals(JsonObject obj, string pointer, bool isLastEntry, string field)
        {
            var result = new List<string>();
            var errorsPointer = JsonPointer.Append(pointer, "ErrorEquals");
            if (!obj.TryGetPropertyValue("ErrorEquals", out var node))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "The field 'ErrorEquals' is required.", pointer);
                return result;
            }

            if (node is not JsonArray array || array.Count == 0)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "ErrorEquals must be a non-empty array of error names.", errorsPointer);
                return result;
            }

            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue value && value.TryGetValue<string>(out var name) && name.Length > 0)
                {
                    result.Add(name);
                }
                else
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"ErrorEquals entries must be non-empty strings, not {Describe(array[i])}.", JsonPointer.Append(errorsPointer, i));
                }
            }

            if (result.Contains(Errors.ErrorNames.All))
            {
                if (result.Count > 1)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, "States.ALL must appear alone in ErrorEquals.", errorsPointer);
                }
                else if (!isLastEntry)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"A {field} entry with States.ALL must be the last one.", errorsPointer);
                }
            }

            return result;
        }

        private ChoiceState ParseChoice(string name, JsonObject obj, string pointer, StateCommon common)
        {
            var branches = new List<ChoiceBranch>();
            var choicesPointer = JsonPointer.Append(pointer, "Choices");
            if (!obj.TryGetPropertyValue("Choices", out var choicesNode))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "The field 'Choices' is required.", pointer);
            }
            else if (choicesNode is not JsonArray choices || choices.Count == 0)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "Choices must be a non-empty array of rules.", choicesPointer);
            }
            else
            {
                for (var i = 0; i < choices.Count; i++)
                {
                    var rulePointer = JsonPointer.Append(choicesPointer, i);
                    if (choices[i] is not JsonObject ruleObj)
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, $"Each choice rule must be an object, not {Describe(choices[i])}.", rulePointer);
                        continue;
                    }

                    var next = RequiredString(ruleObj, "Next", rulePointer);
                    var assign = TemplateField(ruleObj, "Assign", rulePointer, objectOnly: true, assign: true);
                    var rule = _language == QueryLanguage.Jsonata ? ParseConditionRule(ruleObj, rulePointer) : ParseRule(ruleObj, rulePointer, topLevel: true, depth: 0);
                    var output = _language == QueryLanguage.Jsonata ? TemplateField(ruleObj, "Output", rulePointer) : null;
                    if (rule is not null && next is not null)
                    {
                        branches.Add(new ChoiceBranch(rule, next, assign, output));
                    }
                }
            }

            return new ChoiceState(name, pointer, common, branches, OptionalString(obj, "Default", pointer));
        }

        /// <summary>A JSONata Choice rule: Condition, Next, and optionally Assign, Output and Comment.</summary>
        private ConditionRule? ParseConditionRule(JsonObject obj, string pointer)
        {
            CheckFields(obj, FieldRules.ConditionRuleFields, pointer, "a JSONata choice rule (use Condition instead of JSONPath operators)");
            if (!obj.TryGetPropertyValue("Condition", out var node))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "A JSONata choice rule needs a 'Condition'.", pointer);
                return null;
            }

            var conditionPointer = JsonPointer.Append(pointer, "Condition");
            if (!(node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False || IsExpressionString(node)))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"'Condition' must be a JSONata expression \"{{% ... %}}\" or a boolean, not {Describe(node)}.", conditionPointer);
                return null;
            }

            return TemplateField(obj, "Condition", pointer) is { } condition ? new ConditionRule(pointer, condition) : null;
        }

        private ChoiceRule? ParseRule(JsonObject obj, string pointer, bool topLevel, int depth)
        {
            if (!topLevel && obj.ContainsKey("Next"))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "Only top-level choice rules may have 'Next'; nested rules inside And, Or and Not may not.", JsonPointer.Append(pointer, "Next"));
            }

            string? op = null;
            foreach (var (key, _) in obj)
            {
                if (key is "Next" or "Comment" or "Variable" or "Assign")
                {
                    continue;
                }

                if (key is "Condition" or "Output")
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"The field '{key}' is only valid in JSONata states; this state uses JSONPath.", JsonPointer.Append(pointer, key));
                }
                else if (key is "And" or "Or" or "Not" || ChoiceOperators.TryGet(key, out _))
                {
                    if (op is not null)
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, $"A choice rule has exactly one operator; found both '{op}' and '{key}'.", JsonPointer.Append(pointer, key));
                        return null;
                    }

                    op = key;
                }
                else
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"'{key}' is not a choice rule field or operator.", JsonPointer.Append(pointer, key));
                }
            }

            if (op is null)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "The choice rule has no operator (such as StringEquals, NumericGreaterThan, IsPresent, And, Or, Not).", pointer);
                return null;
            }

            var opPointer = JsonPointer.Append(pointer, op);
            var operand = obj[op];
            if (op is "And" or "Or")
            {
                if (obj.ContainsKey("Variable"))
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"'{op}' rules do not take a Variable.", JsonPointer.Append(pointer, "Variable"));
                }

                if (operand is not JsonArray rules || rules.Count == 0)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"'{op}' must be a non-empty array of rules.", opPointer);
                    return null;
                }

                var children = new List<ChoiceRule>();
                for (var i = 0; i < rules.Count; i++)
                {
                    var childPointer = JsonPointer.Append(opPointer, i);
                    if (rules[i] is not JsonObject child)
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, $"Each rule in '{op}' must be an object.", childPointer);
                        continue;
                    }

                    if (ParseRule(child, childPointer, topLevel: false, depth + 1) is { } parsed)
                    {
                        children.Add(parsed);
                    }
                }

                return children.Count == rules.Count ? (op == "And" ? new AndRule(pointer, children) : new OrRule(pointer, children)) : null;
            }

            if (op == "Not")
            {
                if (operand is not JsonObject inner)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, "'Not' must be a single rule object.", opPointer);
                    return null;
                }

                return ParseRule(inner, opPointer, topLevel: false, depth + 1) is { } parsedInner ? new NotRule(pointer, parsedInner) : null;
            }

            var info = ChoiceOperators.TryGet(op, out var found) ? found : throw new InvalidOperationException($"Operator {op} was accepted above.");
            var variableText = RequiredString(obj, "Variable", pointer);
            var variable = variableText is null ? null : CompileReferencePath(variableText, JsonPointer.Append(pointer, "Variable"), "Variable");
            JsonNode? literal = null;
            JsonPath? other = null;
            if (info.IsPath)
            {
                if (operand is JsonValue pathValue && pathValue.TryGetValue<string>(out var pathText))
                {
                    other = CompileReferencePath(pathText, opPointer, op);
                }
                else
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"'{op}' must be a path string, not {Describe(operand)}.", opPointer);
                }
            }
            else if (!info.AcceptsLiteral(operand))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"'{op}' needs {info.LiteralDescription}, not {Describe(operand)}.", opPointer);
            }
            else
            {
                literal = operand?.DeepClone();
                if (info.Operator == ComparisonOperator.TimestampEquals || info.Operator is >= ComparisonOperator.TimestampLessThan and <= ComparisonOperator.TimestampGreaterThanEquals)
                {
                    if (!Rfc3339.TryParse(operand!.GetValue<string>(), out _))
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, $"'{op}' needs an RFC 3339 timestamp such as '2024-01-31T12:00:00Z'.", opPointer);
                    }
                }
            }

            return variable is null ? null : new ComparisonRule(pointer, variable, info.Operator, literal, other);
        }

        private WaitState ParseWait(string name, JsonObject obj, string pointer, StateCommon common)
        {
            var given = new[] { "Seconds", "Timestamp", "SecondsPath", "TimestampPath" }.Where(obj.ContainsKey).ToList();
            if (given.Count != 1)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, given.Count == 0
                    ? "A Wait state needs exactly one of Seconds, Timestamp, SecondsPath or TimestampPath."
                    : $"A Wait state takes exactly one of Seconds, Timestamp, SecondsPath or TimestampPath; found {string.Join(", ", given)}.", pointer);
            }

            Template? secondsExpression = null;
            Template? timestampExpression = null;
            if (_language == QueryLanguage.Jsonata)
            {
                secondsExpression = ExpressionField(obj, "Seconds", pointer);
                timestampExpression = ExpressionField(obj, "Timestamp", pointer);
            }

            double? seconds = !IsJsonataExpression(obj["Seconds"]) ? NonNegativeInteger(obj, "Seconds", pointer, max: 99_999_999) : null;
            DateTimeOffset? timestamp = null;
            if (!IsJsonataExpression(obj["Timestamp"]) && OptionalString(obj, "Timestamp", pointer) is { } text)
            {
                if (Rfc3339.TryParse(text, out var parsed))
                {
                    timestamp = parsed;
                }
                else
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"Timestamp '{text}' is not an RFC 3339 timestamp such as '2024-01-31T12:00:00Z'.", JsonPointer.Append(pointer, "Timestamp"));
                }
            }

            return new WaitState(name, pointer, common, seconds, timestamp, PathField(obj, "SecondsPath", pointer), PathField(obj, "TimestampPath", pointer), secondsExpression, timestampExpression);
        }

        /// <summary>
        /// A <c>{% %}</c> string in a JSONata state: the field is an expression (compiled, or reported if it does not
        /// compile), never a literal. In a JSONPath state the same text is an ordinary literal.
        /// </summary>
        private bool IsJsonataExpression(JsonNode? node) => _language == QueryLanguage.Jsonata && IsExpressionString(node);

        private FailState ParseFail(string name, JsonObject obj, string pointer, StateCommon common)
        {
            if (obj.ContainsKey("Error") && obj.ContainsKey("ErrorPath"))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "A Fail state takes Error or ErrorPath, not both.", pointer);
            }

            if (obj.ContainsKey("Cause") && obj.ContainsKey("CausePath"))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "A Fail state takes Cause or CausePath, not both.", pointer);
            }

            var errorExpression = _language == QueryLanguage.Jsonata ? ExpressionField(obj, "Error", pointer) : null;
            var causeExpression = _language == QueryLanguage.Jsonata ? ExpressionField(obj, "Cause", pointer) : null;
            return new FailState(name, pointer, common,
                !IsJsonataExpression(obj["Error"]) ? OptionalString(obj, "Error", pointer) : null,
                !IsJsonataExpression(obj["Cause"]) ? OptionalString(obj, "Cause", pointer) : null,
                ValueExpressionField(obj, "ErrorPath", pointer), ValueExpressionField(obj, "CausePath", pointer), errorExpression, causeExpression);
        }

        private ParallelState ParseParallel(string name, JsonObject obj, string pointer, StateCommon common)
        {
            var branches = new List<StateMachine>();
            var branchesPointer = JsonPointer.Append(pointer, "Branches");
            if (!obj.TryGetPropertyValue("Branches", out var node))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "The field 'Branches' is required.", pointer);
            }
            else if (node is not JsonArray array || array.Count == 0)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "Branches must be a non-empty array of state machines.", branchesPointer);
            }
            else
            {
                for (var i = 0; i < array.Count; i++)
                {
                    var branchPointer = JsonPointer.Append(branchesPointer, i);
                    if (array[i] is not JsonObject branch)
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, $"Each branch must be an object with StartAt and States, not {Describe(array[i])}.", branchPointer);
                    }
                    else if (ParseMachine(branch, branchPointer, common.QueryLanguage, topLevel: false) is { } machine)
                    {
                        branches.Add(machine);
                    }
                }
            }

            return new ParallelState(name, pointer, common, ParseWork(obj, pointer), branches);
        }

        private MapState? ParseMap(string name, JsonObject obj, string pointer, StateCommon common)
        {
            foreach (var unsupported in new[] { "ItemReader", "ItemBatcher", "ResultWriter" })
            {
                if (obj.ContainsKey(unsupported))
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"'{unsupported}' reads or writes Amazon S3 in a Distributed Map; Hybrid runs Distributed Maps over ItemsPath only, so remove it.", JsonPointer.Append(pointer, unsupported));
                }
            }

            var hasProcessor = obj.ContainsKey("ItemProcessor");
            var hasIterator = obj.ContainsKey("Iterator");
            if (hasProcessor == hasIterator)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, hasProcessor ? "A Map state takes ItemProcessor or the legacy Iterator, not both." : "A Map state needs an ItemProcessor (or the legacy Iterator).", pointer);
                return null;
            }

            var processorField = hasProcessor ? "ItemProcessor" : "Iterator";
            var processorPointer = JsonPointer.Append(pointer, processorField);
            if (obj[processorField] is not JsonObject processorObj)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"{processorField} must be an object with StartAt and States.", processorPointer);
                return null;
            }

            var mode = "INLINE";
            if (processorObj["ProcessorConfig"] is { } config)
            {
                var configPointer = JsonPointer.Append(processorPointer, "ProcessorConfig");
                if (config is not JsonObject configObj)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, "ProcessorConfig must be an object.", configPointer);
                }
                else
                {
                    CheckFields(configObj, ProcessorConfigFields, configPointer, "ProcessorConfig");
                    mode = OptionalString(configObj, "Mode", configPointer) ?? "INLINE";
                    if (mode is not ("INLINE" or "DISTRIBUTED"))
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, $"ProcessorConfig.Mode must be 'INLINE' or 'DISTRIBUTED', not '{mode}'.", JsonPointer.Append(configPointer, "Mode"));
                    }

                    if (OptionalString(configObj, "ExecutionType", configPointer) is { } executionType && executionType is not ("STANDARD" or "EXPRESS"))
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, $"ProcessorConfig.ExecutionType must be 'STANDARD' or 'EXPRESS', not '{executionType}'.", JsonPointer.Append(configPointer, "ExecutionType"));
                    }
                }
            }

            if (obj.ContainsKey("ItemSelector") && obj.ContainsKey("Parameters"))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, "A Map state takes ItemSelector or the legacy Parameters, not both.", pointer);
            }

            var selector = TemplateField(obj, "ItemSelector", pointer) ?? TemplateField(obj, "Parameters", pointer);
            var processor = ParseMachine(processorObj, processorPointer, common.QueryLanguage, topLevel: false);
            var work = new WorkCommon(null, TemplateField(obj, "ResultSelector", pointer, objectOnly: true), OptionalPathField(obj, "ResultPath", pointer), ParseRetry(obj, pointer), ParseCatch(obj, pointer));
            var settings = new MapSettings(
                processor!,
                mode,
                OptionalPathField(obj, "ItemsPath", pointer),
                ItemsField(obj, pointer),
                selector,
                DynamicNumberField(obj, "MaxConcurrency", pointer, min: 0, max: int.MaxValue),
                DynamicNumberField(obj, "ToleratedFailurePercentage", pointer, min: 0, max: 100, integer: false),
                DynamicNumberField(obj, "ToleratedFailureCount", pointer, min: 0, max: int.MaxValue),
                OptionalString(obj, "Label", pointer));
            return processor is null ? null : new MapState(name, pointer, common, work, settings);
        }

        private static readonly System.Collections.Frozen.FrozenSet<string> ProcessorConfigFields =
            System.Collections.Frozen.FrozenSet.ToFrozenSet(["Mode", "ExecutionType"]);

        // ---- field readers -------------------------------------------------------------------------------------

        private void CheckFields(JsonObject obj, IReadOnlySet<string> allowed, string pointer, string what)
        {
            foreach (var (key, _) in obj)
            {
                if (!allowed.Contains(key))
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"The field '{key}' is not supported in {what}.", JsonPointer.Append(pointer, key));
                }
            }
        }

        private T Invalid<T>(T fallback, string message, string pointer)
        {
            Error(DiagnosticCodes.SchemaValidationFailed, message, pointer);
            return fallback;
        }

        private string? RequiredString(JsonObject obj, string field, string pointer)
        {
            if (!obj.ContainsKey(field))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"The field '{field}' is required.", pointer);
                return null;
            }

            return OptionalString(obj, field, pointer);
        }

        private string? OptionalString(JsonObject obj, string field, string pointer)
        {
            if (!obj.TryGetPropertyValue(field, out var node))
            {
                return null;
            }

            if (node is JsonValue value && value.TryGetValue<string>(out var text))
            {
                return text;
            }

            Error(DiagnosticCodes.SchemaValidationFailed, $"'{field}' must be a string, not {Describe(node)}.", JsonPointer.Append(pointer, field));
            return null;
        }

        private bool? OptionalBool(JsonObject obj, string field, string pointer)
        {
            if (!obj.TryGetPropertyValue(field, out var node))
            {
                return null;
            }

            if (node is JsonValue value && value.TryGetValue<bool>(out var flag))
            {
                return flag;
            }

            Error(DiagnosticCodes.SchemaValidationFailed, $"'{field}' must be a boolean, not {Describe(node)}.", JsonPointer.Append(pointer, field));
            return null;
        }

        private JsonArray? ArrayField(JsonObject obj, string field, string pointer)
        {
            if (!obj.TryGetPropertyValue(field, out var node))
            {
                return null;
            }

            if (node is JsonArray array)
            {
                return array;
            }

            Error(DiagnosticCodes.SchemaValidationFailed, $"'{field}' must be an array, not {Describe(node)}.", JsonPointer.Append(pointer, field));
            return null;
        }

        private double? Number(JsonObject obj, string field, string pointer)
        {
            if (!obj.TryGetPropertyValue(field, out var node))
            {
                return null;
            }

            if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
            {
                return value.GetValue<double>();
            }

            Error(DiagnosticCodes.SchemaValidationFailed, $"'{field}' must be a number, not {Describe(node)}.", JsonPointer.Append(pointer, field));
            return null;
        }

        private int? Integer(JsonObject obj, string field, string pointer, long min, long max, string description)
        {
            if (Number(obj, field, pointer) is not { } number)
            {
                return null;
            }

            if (number != Math.Floor(number) || number < min || number > max)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"'{field}' must be {description}, not {number.ToString(CultureInfo.InvariantCulture)}.", JsonPointer.Append(pointer, field));
                return null;
            }

            return (int)number;
        }

        private int? PositiveInteger(JsonObject obj, string field, string pointer, long max) =>
            Integer(obj, field, pointer, 1, max, $"a whole number from 1 to {max}");

        private int? NonNegativeInteger(JsonObject obj, string field, string pointer, long max) =>
            Integer(obj, field, pointer, 0, max, $"a whole number from 0 to {max}");

        private DynamicNumber DynamicNumberField(JsonObject obj, string field, string pointer, long min, long max, bool integer = true)
        {
            var pathField = field + "Path";
            if (obj.ContainsKey(field) && obj.ContainsKey(pathField))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"Use '{field}' or '{pathField}', not both.", pointer);
            }

            if (_language == QueryLanguage.Jsonata && IsExpressionString(obj[field]))
            {
                return new DynamicNumber(null, null, TemplateField(obj, field, pointer));
            }

            double? value = integer
                ? Integer(obj, field, pointer, min, max, $"a whole number from {min} to {max}")
                : Number(obj, field, pointer) is { } n && (n < min || n > max) ? Invalid<double?>(null, $"'{field}' must be a number from {min} to {max}, not {n.ToString(CultureInfo.InvariantCulture)}.", JsonPointer.Append(pointer, field)) : Number(obj, field, pointer);
            return new DynamicNumber(value, PathField(obj, pathField, pointer));
        }

        private JsonPath? PathField(JsonObject obj, string field, string pointer)
        {
            if (OptionalString(obj, field, pointer) is not { } text)
            {
                if (obj.TryGetPropertyValue(field, out var node) && node is null)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"'{field}' must be a path string, not null.", JsonPointer.Append(pointer, field));
                }

                return null;
            }

            return CompileReferencePath(text, JsonPointer.Append(pointer, field), field);
        }

        private OptionalPath OptionalPathField(JsonObject obj, string field, string pointer)
        {
            if (!obj.TryGetPropertyValue(field, out var node))
            {
                return OptionalPath.Default;
            }

            if (node is null)
            {
                return OptionalPath.Null;
            }

            return PathField(obj, field, pointer) is { } path ? OptionalPath.Of(path) : OptionalPath.Default;
        }

        private ValueExpression? ValueExpressionField(JsonObject obj, string field, string pointer)
        {
            if (OptionalString(obj, field, pointer) is not { } text)
            {
                return null;
            }

            var fieldPointer = JsonPointer.Append(pointer, field);
            if (ValueExpression.TryParseReferenceOrIntrinsic(text, out var expression, out var error))
            {
                return expression;
            }

            Error(DiagnosticCodes.SchemaValidationFailed, $"'{field}' must be a reference path or an intrinsic function: {error}", fieldPointer);
            return null;
        }

        private JsonPath? CompileReferencePath(string text, string pointer, string field)
        {
            // InputPath, OutputPath and Choice Variables take any JSONPath; the other path fields take reference paths.
            var parsed = field is "InputPath" or "OutputPath" or "Variable"
                ? AslPaths.TryParse(text, out var path, out var error)
                : AslPaths.TryParseReference(text, out path, out error);
            if (parsed)
            {
                if (field == "ResultPath" && path!.Root != PathRoot.Input)
                {
                    Error(DiagnosticCodes.SchemaValidationFailed, $"ResultPath must write into the state's input ('$...'), not '{text}'.", pointer);
                    return null;
                }

                return path;
            }

            Error(DiagnosticCodes.SchemaValidationFailed, $"The value of '{field}' is not a valid path ('{text}'): {error}", pointer);
            return null;
        }

        private Template? TemplateField(JsonObject obj, string field, string pointer, bool objectOnly = false, bool assign = false)
        {
            if (!obj.TryGetPropertyValue(field, out var node))
            {
                return null;
            }

            var fieldPointer = JsonPointer.Append(pointer, field);
            if ((objectOnly || assign) && node is not JsonObject)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"'{field}' must be an object, not {Describe(node)}.", fieldPointer);
                return null;
            }

            if (assign && node is JsonObject assignments)
            {
                foreach (var (key, _) in assignments)
                {
                    var variable = _language == QueryLanguage.JsonPath && key.EndsWith(".$", StringComparison.Ordinal) ? key[..^2] : key;
                    var keyPointer = JsonPointer.Append(fieldPointer, key);
                    if (!VariableNames.IsValid(variable))
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, $"'{variable}' is not a valid variable name: it must start with a letter or '_', hold only letters, digits and '_', and be at most 80 characters.", keyPointer);
                    }
                    else if (variable == "states")
                    {
                        Error(DiagnosticCodes.SchemaValidationFailed, "'states' is reserved: $states holds a JSONata state's input, result, error output and context, so no variable can take its name.", keyPointer);
                    }
                    else
                    {
                        _scope.Assigned.Add((variable, keyPointer));
                    }
                }
            }

            if (_language == QueryLanguage.Jsonata)
            {
                var available = _inCatch ? StatesFields.ErrorOutput
                    : field is "Output" or "Assign" && _stateType is StateType.Task or StateType.Parallel or StateType.Map ? StatesFields.Result
                    : StatesFields.None;
                var jsonata = JsonataTemplate.Compile(node, available, out var expressionErrors);
                foreach (var (relative, message) in expressionErrors)
                {
                    Error(DiagnosticCodes.InvalidJsonata, message, fieldPointer + relative);
                }

                return jsonata is null ? null : new Template(node?.DeepClone(), jsonata);
            }

            var compiled = PayloadTemplate.Compile(node, out var templateErrors);
            foreach (var (relative, message) in templateErrors)
            {
                Error(DiagnosticCodes.SchemaValidationFailed, message, fieldPointer + relative);
            }

            WarnNoDollar(node, fieldPointer);
            return compiled is null ? null : new Template(node?.DeepClone(), compiled);
        }

        /// <summary>Rejects a field that belongs to the other query language than the state's.</summary>
        private void CheckLanguage(string key, string pointer)
        {
            if (_language == QueryLanguage.JsonPath && FieldRules.JsonataOnly.Contains(key))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"The field '{key}' is only valid in JSONata states; this state uses JSONPath.", JsonPointer.Append(pointer, key));
            }
            else if (_language == QueryLanguage.Jsonata && FieldRules.JsonPathOnly.Contains(key))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"The field '{key}' is only valid in JSONPath states; this state uses JSONata (use Arguments and Output instead of InputPath, Parameters, ResultSelector, ResultPath and OutputPath).", JsonPointer.Append(pointer, key));
            }
        }

        private static bool IsExpressionString(JsonNode? node) =>
            node is JsonValue value && value.TryGetValue<string>(out var text) && text.StartsWith("{%", StringComparison.Ordinal);

        /// <summary>A JSONata field given as an expression string (Wait Seconds, Fail Error, ...): its template, else null.</summary>
        private Template? ExpressionField(JsonObject obj, string field, string pointer) =>
            IsExpressionString(obj[field]) ? TemplateField(obj, field, pointer) : null;

        /// <summary>A JSONata Map's Items: an array (which may hold expressions) or an expression.</summary>
        private Template? ItemsField(JsonObject obj, string pointer)
        {
            if (!obj.TryGetPropertyValue("Items", out var node))
            {
                return null;
            }

            if (node is not JsonArray && !IsExpressionString(node))
            {
                Error(DiagnosticCodes.SchemaValidationFailed, $"'Items' must be an array or a JSONata expression \"{{% ... %}}\", not {Describe(node)}.", JsonPointer.Append(pointer, "Items"));
                return null;
            }

            return TemplateField(obj, "Items", pointer);
        }

        private void WarnNoDollar(JsonNode? node, string pointer)
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, value) in obj)
                {
                    if (!key.EndsWith(".$", StringComparison.Ordinal) && value is JsonValue v && v.TryGetValue<string>(out var text)
                        && (text.StartsWith("$.", StringComparison.Ordinal) || text == "$" || text.StartsWith("States.", StringComparison.Ordinal)))
                    {
                        Warning(DiagnosticCodes.NoDollar, $"'{key}' looks like a path or an intrinsic function but its name does not end in '.$', so it is passed as the literal string '{text}'.", JsonPointer.Append(pointer, key));
                    }

                    WarnNoDollar(value, JsonPointer.Append(pointer, key));
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    WarnNoDollar(array[i], JsonPointer.Append(pointer, i));
                }
            }
        }

        private static bool ContainsDollarKey(JsonNode? node) => node switch
        {
            JsonObject obj => obj.Any(p => p.Key.EndsWith(".$", StringComparison.Ordinal) || ContainsDollarKey(p.Value)),
            JsonArray array => array.Any(ContainsDollarKey),
            _ => false,
        };

        private static bool LooksLikeUri(string text)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !char.IsAsciiLetter(text[0]))
            {
                return false;
            }

            for (var i = 1; i < colon; i++)
            {
                if (!(char.IsAsciiLetterOrDigit(text[i]) || text[i] is '+' or '-' or '.'))
                {
                    return false;
                }
            }

            return !text.Any(char.IsWhiteSpace);
        }
    }

    /// <summary>The variables a state machine (or a branch, or an item processor) assigns, and its nested machines.</summary>
    private sealed class VariableScope
    {
        public List<(string Name, string Pointer)> Assigned { get; } = [];

        public List<VariableScope> Children { get; } = [];
    }
}
