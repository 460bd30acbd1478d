package io.kakunin.kb.input;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.ContextAttributes;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.deser.SettableBeanProperty;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request is read to its end, not to its first fault: every fault the reader can step over (a
 * member the object does not define, a value of the wrong type, a value outside a list of
 * values, a date that does not exist, a number the field cannot hold, a string with a control
 * character...) is recorded with its JSON Pointer, the field is left unset, and reading goes on
 * with the next member. At the end of the object read, if anything was recorded, one
 * {@link ReadFaultsException} names every fault in document order, with the object as far as it
 * was read (so that the contract's constraints can be checked on what was read).
 *
 * <p>What cannot be stepped over stops reading at once, as before, and is named alone: text
 * that is not JSON, bytes that are not UTF-8, a string, number, name, nesting or array past what
 * the service reads. After {@link #MAX} faults reading stops too: the list says it was cut.
 *
 * <p>Faults are kept per read (an attribute of Jackson's per-call context), never in shared
 * state. Installed by {@link Json#strict}, so the engine's tools and the service read alike.
 */
public final class ReadFaults {

    /** The most faults one answer lists; past it, reading stops. */
    public static final int MAX = 100;

    /** The per-call attribute holding a read's faults. */
    private static final Object KEY = ReadFaults.class;

    /** The mapper-wide attribute that makes a read check the contract's constraints too. */
    private static final Object CONTRACT = ContractConstraints.class;

    private final List<InputFault> faults = new ArrayList<>();

    private ReadFaults() {}

    /** The module that makes a mapper collect faults. */
    public static JacksonModule module() {
        return new JacksonModule() {
            @Override
            public String getModuleName() {
                return "kakunin-read-faults";
            }

            @Override
            public tools.jackson.core.Version version() {
                return tools.jackson.core.Version.unknownVersion();
            }

            @Override
            public void setupModule(SetupContext context) {
                context.addHandler(new Handler());
                context.addDeserializerModifier(new Modifier());
            }
        };
    }

    /**
     * A mapper that reads requests: at the end of each read, the contract's constraints
     * ({@link ContractConstraints}) are checked on what was read, and their faults named with the
     * reader's own in one {@link ReadFaultsException}, so that a request is refused once, with
     * everything wrong in it, and no second pass over the bound objects is needed. Stored records
     * and verdicts are read without it: they are not requests.
     */
    public static JsonMapper.Builder checkingContract(JsonMapper.Builder builder) {
        return builder.defaultAttributes(ContextAttributes.getEmpty().withSharedAttribute(CONTRACT, Boolean.TRUE));
    }

    private void add(DeserializationContext ctxt, InputFault fault) {
        if (faults.size() == MAX) {
            throw new ReadFaultsException(ctxt.getParser(), faults, null, true);
        }
        faults.add(fault);
    }

    /** How many faults this read has recorded so far (0 when it does not collect them). */
    static int count(DeserializationContext ctxt) {
        ReadFaults faults = of(ctxt);
        return faults == null ? 0 : faults.faults.size();
    }

    private static ReadFaults of(DeserializationContext ctxt) {
        return ctxt == null ? null : ctxt.getAttribute(KEY) instanceof ReadFaults f ? f : null;
    }

    // ------------------------------------------------------------------ the faults of one read, thrown at its end

    /** Every fault of a read that went on past them: the first {@link #MAX} in document order, and what was read. */
    public static final class ReadFaultsException extends MismatchedInputException {

        private static final long serialVersionUID = 1L;

        private final transient List<InputFault> faults;
        private final transient Object value;
        private final boolean truncated;

        ReadFaultsException(JsonParser p, List<InputFault> faults, Object value, boolean truncated) {
            super(
                    p,
                    (truncated ? "more than " + MAX + " faults, the first of them: " : "")
                            + String.join(
                                    "; ",
                                    faults.stream()
                                            .map(f -> (f.pointer().isEmpty() ? "" : f.pointer() + ": ") + f.english())
                                            .toList()));
            this.faults = List.copyOf(faults);
            this.value = value;
            this.truncated = truncated;
        }

        public List<InputFault> faults() {
            return faults;
        }

        /** The object as far as it was read, each faulty field left unset; null when reading stopped. */
        public Object value() {
            return value;
        }

        /** Whether there were more faults than {@link #MAX}, and reading stopped at the first one too many. */
        public boolean truncated() {
            return truncated;
        }
    }

    // ------------------------------------------------------------------ where reading goes on

    private static final class Modifier extends ValueDeserializerModifier {

        private static final long serialVersionUID = 1L;

        /** Each member of an object is read on its own: its fault is recorded and the next member read. */
        @Override
        public BeanDeserializerBuilder updateBuilder(
                DeserializationConfig config, BeanDescription.Supplier description, BeanDeserializerBuilder builder) {
            List<SettableBeanProperty> properties = new ArrayList<>();
            builder.getProperties().forEachRemaining(properties::add);
            for (SettableBeanProperty property : properties) {
                if (!(property instanceof Recovering) && !property.isCreatorProperty()) {
                    builder.addOrReplaceProperty(new Recovering(property), true);
                }
            }
            return builder;
        }

        /** The object a read starts with owns its faults: it throws them when it is read. */
        @Override
        public ValueDeserializer<?> modifyDeserializer(
                DeserializationConfig config, BeanDescription.Supplier description, ValueDeserializer<?> deserializer) {
            return deserializer instanceof BeanDeserializerBase ? new Owner(deserializer) : deserializer;
        }
    }

    /** The outermost object of a read: starts its list of faults, and throws them once it is read. */
    private static final class Owner extends DelegatingDeserializer {

        private static final long serialVersionUID = 1L;

        Owner(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new Owner(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            if (of(ctxt) != null) {
                return _delegatee.deserialize(p, ctxt);
            }
            ReadFaults faults = new ReadFaults();
            ctxt.setAttribute(KEY, faults);
            Object value = _delegatee.deserialize(p, ctxt);
            List<InputFault> found = faults.faults;
            if (value != null && ctxt.getAttribute(CONTRACT) != null) {
                List<InputFault> contract = found.isEmpty()
                        ? ContractConstraints.check(value)
                        : ContractConstraints.checkBeside(value, found);
                if (!contract.isEmpty()) {
                    found = new ArrayList<>(found);
                    found.addAll(contract);
                }
            }
            if (!found.isEmpty()) {
                boolean truncated = found.size() > MAX;
                throw new ReadFaultsException(
                        p, truncated ? found.subList(0, MAX) : found, truncated ? null : value, truncated);
            }
            return value;
        }
    }

    /** A member read on its own: a fault it can step over is recorded, the member left unset. */
    private static final class Recovering extends SettableBeanProperty.Delegating {

        private static final long serialVersionUID = 1L;

        Recovering(SettableBeanProperty delegate) {
            super(delegate);
        }

        @Override
        protected SettableBeanProperty withDelegate(SettableBeanProperty d) {
            return new Recovering(d);
        }

        @Override
        public void deserializeAndSet(JsonParser p, DeserializationContext ctxt, Object instance) {
            ReadFaults faults = of(ctxt);
            if (faults == null) {
                delegate.deserializeAndSet(p, ctxt, instance);
                return;
            }
            int depth = containingDepth(p);
            try {
                delegate.deserializeAndSet(p, ctxt, instance);
            } catch (JacksonException e) {
                recover(e, p, ctxt, faults, depth);
            }
        }

        @Override
        public Object deserializeSetAndReturn(JsonParser p, DeserializationContext ctxt, Object instance) {
            ReadFaults faults = of(ctxt);
            if (faults == null) {
                return delegate.deserializeSetAndReturn(p, ctxt, instance);
            }
            int depth = containingDepth(p);
            try {
                return delegate.deserializeSetAndReturn(p, ctxt, instance);
            } catch (JacksonException e) {
                recover(e, p, ctxt, faults, depth);
                return instance;
            }
        }

        private void recover(
                JacksonException e, JsonParser p, DeserializationContext ctxt, ReadFaults faults, int depth) {
            if (!recoverable(e)) {
                throw e;
            }
            InputFault fault = describe(e);
            if (fault.kind() == InputFault.Kind.OUT_OF_RANGE) {
                fault = contractRange(fault);
            }
            skipRest(p, depth);
            // The parser is back in the object, on this member: its pointer, and what lies below it.
            String pointer = pointer(p) + pointer(e.getPath());
            faults.add(ctxt, fault.at(pointer));
        }

        /** The range of the member as the contract states it, where it does, rather than the type's. */
        private InputFault contractRange(InputFault fault) {
            Min min = getAnnotation(Min.class);
            Max max = getAnnotation(Max.class);
            InputFault ranged = fault;
            if (min != null) {
                ranged = ranged.with("min", min.value());
            }
            if (max != null) {
                ranged = ranged.with("max", max.value());
            }
            return ranged;
        }
    }

    /**
     * Reads a value on its own (an element of a list of strings or dates, say): when the read
     * collects its faults and can go on, a fault of the value is recorded, the value read as
     * absent and the next element read; otherwise the fault is thrown, as without collecting.
     */
    static <T> T orStepOver(JsonParser p, DeserializationContext ctxt, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (MismatchedInputException e) {
            if (stepOver(p, ctxt, e)) {
                return null;
            }
            throw e;
        }
    }

    private static boolean stepOver(JsonParser p, DeserializationContext ctxt, JacksonException e) {
        ReadFaults faults = of(ctxt);
        JsonToken t = p.currentToken();
        if (faults == null || !recoverable(e) || t == null || !(t.isScalarValue() || t.isStructStart())) {
            return false;
        }
        if (t.isStructStart()) {
            p.skipChildren();
        }
        faults.add(ctxt, describe(e).at(pointer(p)));
        return true;
    }

    /**
     * Whether reading can go on after a fault: not after text that is not JSON, nor after a limit
     * of what the service reads (whose point is to stop reading), nor after a mistake of the mapping
     * itself; after a value the field cannot take, it can.
     */
    static boolean recoverable(JacksonException e) {
        if (e instanceof ReadFaultsException || e instanceof InvalidDefinitionException) {
            return false;
        }
        if (e instanceof RejectedInputException rejected) {
            return !rejected.stopsReading();
        }
        if (e instanceof InputCoercionException) {
            return true;
        }
        return e instanceof MismatchedInputException || e instanceof ValueInstantiationException;
    }

    /** The depth of the structure that holds the value the parser is on. */
    private static int containingDepth(JsonParser p) {
        TokenStreamContext context = p.streamReadContext();
        int depth = context == null ? 0 : context.getNestingDepth();
        JsonToken t = p.currentToken();
        return t != null && t.isStructStart() ? depth - 1 : depth;
    }

    /** Moves the parser to the last token of the value it failed in, wherever inside it it stopped. */
    private static void skipRest(JsonParser p, int depth) {
        while (true) {
            JsonToken t = p.currentToken();
            if (t == null) {
                return;
            }
            if (t.isStructStart()) {
                p.skipChildren();
                if (p.streamReadContext().getNestingDepth() <= depth) {
                    return;
                }
                continue;
            }
            if (p.streamReadContext().getNestingDepth() <= depth) {
                return;
            }
            if (p.nextToken() == null) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ where a value can be replaced

    /**
     * Faults Jackson asks about before it fails: a member the object does not define (skipped),
     * and values of a list of values, dates and the like that cannot be read (read as absent). Only
     * while a read collects its faults; otherwise Jackson fails as it would.
     */
    private static final class Handler extends DeserializationProblemHandler {

        @Override
        public boolean handleUnknownProperty(
                DeserializationContext ctxt,
                JsonParser p,
                ValueDeserializer<?> deserializer,
                Object beanOrClass,
                String propertyName) {
            ReadFaults faults = of(ctxt);
            if (faults == null) {
                return false;
            }
            String at = pointer(p);
            if (!at.endsWith("/" + escape(propertyName))) {
                at = at + "/" + escape(propertyName);
            }
            p.skipChildren();
            faults.add(
                    ctxt,
                    unknown(at, propertyName, deserializer == null ? null : deserializer.getKnownPropertyNames()));
            return true;
        }

        @Override
        public Object handleInstantiationProblem(
                DeserializationContext ctxt, Class<?> instClass, Object argument, Throwable t) {
            ReadFaults faults = of(ctxt);
            if (faults == null || !instClass.isEnum()) {
                return NOT_HANDLED;
            }
            faults.add(ctxt, notAllowed(pointer(ctxt.getParser()), argument, instClass));
            return null;
        }

        @Override
        public Object handleWeirdStringValue(
                DeserializationContext ctxt, Class<?> targetType, String valueToConvert, String failureMsg) {
            ReadFaults faults = of(ctxt);
            if (faults == null || targetType.isPrimitive()) {
                return NOT_HANDLED;
            }
            String at = pointer(ctxt.getParser());
            InputFault fault;
            if (targetType.isEnum()) {
                fault = notAllowed(at, valueToConvert, targetType);
            } else if (targetType == LocalDate.class) {
                fault = InputFault.of(at, InputFault.Kind.NOT_A_DATE, "value", valueToConvert);
            } else if (targetType == OffsetDateTime.class) {
                fault = InputFault.of(at, InputFault.Kind.NOT_A_DATE_TIME, "value", valueToConvert);
            } else {
                fault = InputFault.of(
                        at,
                        InputFault.Kind.WRONG_TYPE,
                        "expected",
                        expected(targetType),
                        "sent",
                        InputFault.JsonType.STRING);
            }
            faults.add(ctxt, fault);
            return null;
        }

        @Override
        public Object handleWeirdNumberValue(
                DeserializationContext ctxt, Class<?> targetType, Number valueToConvert, String failureMsg) {
            ReadFaults faults = of(ctxt);
            if (faults == null || targetType.isPrimitive()) {
                return NOT_HANDLED;
            }
            String at = pointer(ctxt.getParser());
            faults.add(
                    ctxt,
                    targetType.isEnum()
                            ? notAllowed(at, valueToConvert, targetType)
                            : InputFault.of(
                                    at,
                                    InputFault.Kind.WRONG_TYPE,
                                    "expected",
                                    expected(targetType),
                                    "sent",
                                    sent(ctxt.getParser().currentToken())));
            return null;
        }

        /** A string, number or boolean where an object must be: the next element of a list is read as well. */
        @Override
        public Object handleMissingInstantiator(
                DeserializationContext ctxt,
                Class<?> instClass,
                tools.jackson.databind.deser.ValueInstantiator valueInsta,
                JsonParser p,
                String msg) {
            ReadFaults faults = of(ctxt);
            JsonToken t = p == null ? null : p.currentToken();
            if (faults == null || t == null || !t.isScalarValue()) {
                return NOT_HANDLED;
            }
            faults.add(
                    ctxt,
                    InputFault.of(
                            pointer(p), InputFault.Kind.WRONG_TYPE, "expected", expected(instClass), "sent", sent(t)));
            return null;
        }

        @Override
        public Object handleUnexpectedToken(
                DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p, String failureMsg) {
            ReadFaults faults = of(ctxt);
            if (faults == null
                    || t == null
                    || targetType.isPrimitive()
                    || !(t.isScalarValue() || t.isStructStart())
                    || t != p.currentToken()) {
                return NOT_HANDLED;
            }
            String at = pointer(p);
            InputFault fault = targetType.isEnumType()
                    ? notAllowed(at, t.isScalarValue() ? p.getString() : null, targetType.getRawClass())
                    : InputFault.of(
                            at,
                            InputFault.Kind.WRONG_TYPE,
                            "expected",
                            expected(targetType.getRawClass()),
                            "sent",
                            sent(t));
            if (t.isStructStart()) {
                p.skipChildren();
            }
            faults.add(ctxt, fault);
            return null;
        }
    }

    // ------------------------------------------------------------------ what a reading error is, as a fault

    /**
     * The fault a reading error stands for, at the field it is about. Every reader of requests
     * names its faults with this, whether it went on past them or stopped.
     */
    public static InputFault describe(JacksonException e) {
        String pathPointer = pointer(e.getPath());
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StrictUtf8.MalformedUtf8Exception malformed) {
                return InputFault.of(
                        parserPointer(e, pathPointer), InputFault.Kind.INVALID_UTF8, "offset", malformed.offset());
            }
        }
        if (e instanceof RejectedInputException rejected) {
            InputFault fault = rejected.fault();
            return fault.pointer().isEmpty() ? fault.at(pathPointer) : fault;
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return unknown(pathPointer, unknown.getPropertyName(), unknown.getKnownPropertyIds());
        }
        if (e instanceof StreamConstraintsException limit) {
            return limit(limit, parserPointer(e, pathPointer));
        }
        if (e instanceof InputCoercionException coercion) {
            // Valid JSON: a whole number past what the field's type holds.
            return outOfRange(pathPointer, coercion.getTargetType(), number(coercion));
        }
        if (e instanceof MismatchedInputException mismatch) {
            return mismatch(mismatch, pathPointer);
        }
        if (e instanceof ValueInstantiationException instantiation
                && instantiation.getType() != null
                && instantiation.getType().isEnumType()) {
            return notAllowed(pathPointer, null, instantiation.getType().getRawClass());
        }
        if (e instanceof StreamReadException read) {
            return malformed(read, parserPointer(e, pathPointer));
        }
        return InputFault.of(pathPointer, InputFault.Kind.MALFORMED_JSON, "what", InputFault.Malformed.OTHER);
    }

    private static InputFault mismatch(MismatchedInputException e, String pointer) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.startsWith("Trailing token")) {
            return located(InputFault.of("", InputFault.Kind.MALFORMED_JSON), e.getLocation())
                    .with("what", InputFault.Malformed.TRAILING_CONTENT);
        }
        if (message.startsWith("No content to map")) {
            return InputFault.of("", InputFault.Kind.BODY_REQUIRED);
        }
        Class<?> target = e.getTargetType();
        Object sent = e instanceof InvalidFormatException invalid ? invalid.getValue() : null;
        if (target == null) {
            return InputFault.of(pointer, InputFault.Kind.WRONG_TYPE, "sent", sent(e.getCurrentToken()));
        }
        if (target.isEnum()) {
            return notAllowed(pointer, sent instanceof String ? sent : null, target);
        }
        if ((target == LocalDate.class || target == OffsetDateTime.class) && sent instanceof String text) {
            return InputFault.of(
                    pointer,
                    target == LocalDate.class ? InputFault.Kind.NOT_A_DATE : InputFault.Kind.NOT_A_DATE_TIME,
                    "value",
                    text);
        }
        if (message.contains("null") && e.getCurrentToken() == JsonToken.VALUE_NULL) {
            return InputFault.of(pointer, InputFault.Kind.NULL_NOT_ALLOWED);
        }
        InputFault.JsonType sentType = sent(e.getCurrentToken());
        if (sent instanceof Double || sent instanceof Float || sent instanceof java.math.BigDecimal) {
            sentType = InputFault.JsonType.FRACTION;
        }
        return InputFault.of(pointer, InputFault.Kind.WRONG_TYPE, "expected", expected(target), "sent", sentType);
    }

    private static InputFault limit(StreamConstraintsException e, String pointer) {
        String message = String.valueOf(e.getOriginalMessage());
        Matcher max = Pattern.compile("maximum allowed \\((\\d+)").matcher(message);
        String limit = max.find() ? max.group(1) : null;
        InputFault.Kind kind;
        if (message.startsWith("String value length")) {
            kind = InputFault.Kind.STRING_TOO_LONG;
        } else if (message.startsWith("Number value length")) {
            kind = InputFault.Kind.NUMBER_TOO_LONG;
        } else if (message.startsWith("Name length")) {
            kind = InputFault.Kind.NAME_TOO_LONG;
        } else if (message.contains("nesting depth")) {
            kind = InputFault.Kind.TOO_DEEP;
        } else {
            kind = InputFault.Kind.STRING_TOO_LONG;
        }
        return InputFault.of(pointer, kind, "max", limit);
    }

    private static final Pattern UNEXPECTED = Pattern.compile("^Unexpected character \\((.{1,4}) \\(code (\\d+)");
    private static final Pattern TOKEN = Pattern.compile("^(?:Unrecognized|Non-standard) token '([^']{0,80})");
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate (?:Object property|field) \"([^\"]{0,200})\"");

    private static InputFault malformed(StreamReadException e, String pointer) {
        String message = String.valueOf(e.getOriginalMessage());
        InputFault fault = located(InputFault.of(pointer, InputFault.Kind.MALFORMED_JSON), e.getLocation());
        Matcher m;
        if (message.startsWith("Unexpected end-of-input")) {
            return fault.with("what", InputFault.Malformed.END_OF_INPUT);
        }
        if ((m = DUPLICATE.matcher(message)).find()) {
            return fault.with("what", InputFault.Malformed.DUPLICATE_FIELD).with("name", m.group(1));
        }
        if ((m = TOKEN.matcher(message)).find()) {
            return fault.with("what", InputFault.Malformed.NOT_A_VALUE).with("token", m.group(1));
        }
        if (message.startsWith("Illegal unquoted character") || message.contains("CTRL-CHAR")) {
            return fault.with("what", InputFault.Malformed.CONTROL_IN_STRING);
        }
        if (message.startsWith("Unrecognized character escape") || message.contains("escape sequence")) {
            return fault.with("what", InputFault.Malformed.BAD_ESCAPE);
        }
        if ((m = UNEXPECTED.matcher(message)).find()) {
            int code = Integer.parseInt(m.group(2));
            String character = code < 0x20 || code == 0x7F
                    ? String.format(java.util.Locale.ROOT, "U+%04X", code)
                    : "'" + new String(Character.toChars(code)) + "'";
            return fault.with("what", InputFault.Malformed.UNEXPECTED_CHARACTER).with("character", character);
        }
        return fault.with("what", InputFault.Malformed.OTHER);
    }

    private static InputFault located(InputFault fault, TokenStreamLocation location) {
        return location == null
                ? fault.with("line", "?").with("column", "?")
                : fault.with("line", location.getLineNr()).with("column", location.getColumnNr());
    }

    /** A fault the parser met reading a value is about that value: the parser's own place is the most precise. */
    private static String parserPointer(JacksonException e, String pathPointer) {
        if (e.processor() instanceof JsonParser parser && parser.streamReadContext() != null) {
            String at = pointer(parser);
            return at.length() >= pathPointer.length() ? at : pathPointer;
        }
        return pathPointer;
    }

    static InputFault unknown(String pointer, String name, Collection<Object> known) {
        List<String> names = known == null
                ? List.of()
                : known.stream().map(String::valueOf).sorted().toList();
        return InputFault.of(
                pointer, InputFault.Kind.UNKNOWN_FIELD, "name", name, "known", names.isEmpty() ? null : names);
    }

    static InputFault notAllowed(String pointer, Object value, Class<?> type) {
        return InputFault.of(
                pointer,
                InputFault.Kind.NOT_ALLOWED,
                "value",
                value == null ? null : String.valueOf(value),
                "allowed",
                Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList());
    }

    private static InputFault outOfRange(String pointer, Class<?> type, String value) {
        Object min = null;
        Object max = null;
        if (type == Integer.class || type == int.class) {
            min = Integer.MIN_VALUE;
            max = Integer.MAX_VALUE;
        } else if (type == Long.class || type == long.class) {
            min = Long.MIN_VALUE;
            max = Long.MAX_VALUE;
        } else if (type == Short.class || type == short.class) {
            min = Short.MIN_VALUE;
            max = Short.MAX_VALUE;
        }
        return InputFault.of(pointer, InputFault.Kind.OUT_OF_RANGE, "value", value, "min", min, "max", max);
    }

    /** The number as it was written, when the parser still holds it. */
    private static String number(InputCoercionException e) {
        JsonParser parser = e.processor();
        if (parser != null
                && parser.currentToken() != null
                && parser.currentToken().isNumeric()) {
            try {
                return parser.getString();
            } catch (JacksonException unreadable) {
                return null;
            }
        }
        Matcher m = Pattern.compile("\\(([-+0-9.eE]{1,80})\\)").matcher(String.valueOf(e.getOriginalMessage()));
        return m.find() ? m.group(1) : null;
    }

    /** What a field of {@code type} takes, in the contract's terms. */
    static InputFault.JsonType expected(Class<?> type) {
        if (type == Boolean.class || type == boolean.class) return InputFault.JsonType.BOOLEAN;
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class
                || type == Short.class
                || type == short.class
                || type == BigInteger.class) return InputFault.JsonType.WHOLE_NUMBER;
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class)
            return InputFault.JsonType.NUMBER;
        if (type == String.class || type == Character.class || type == char.class) return InputFault.JsonType.STRING;
        if (type == LocalDate.class) return InputFault.JsonType.DATE;
        if (type == OffsetDateTime.class) return InputFault.JsonType.DATE_TIME;
        if (type == UUID.class) return InputFault.JsonType.UUID;
        if (type.isEnum()) return InputFault.JsonType.ENUM;
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return InputFault.JsonType.ARRAY;
        return InputFault.JsonType.OBJECT;
    }

    /** What kind of JSON value a token starts. */
    static InputFault.JsonType sent(JsonToken t) {
        if (t == null) {
            return null;
        }
        return switch (t) {
            case VALUE_STRING -> InputFault.JsonType.STRING;
            case VALUE_NUMBER_INT -> InputFault.JsonType.WHOLE_NUMBER;
            case VALUE_NUMBER_FLOAT -> InputFault.JsonType.FRACTION;
            case VALUE_TRUE, VALUE_FALSE -> InputFault.JsonType.BOOLEAN;
            case START_ARRAY -> InputFault.JsonType.ARRAY;
            case START_OBJECT -> InputFault.JsonType.OBJECT;
            case VALUE_NULL -> InputFault.JsonType.NULL;
            default -> null;
        };
    }

    // ------------------------------------------------------------------ pointers

    /** Where the parser is, as a JSON Pointer: the member or element it is on. */
    static String pointer(JsonParser p) {
        TokenStreamContext context = p.streamReadContext();
        if (context == null) {
            return "";
        }
        JsonToken t = p.currentToken();
        // On the start of an object or array the parser is already inside it: the value is its parent's entry.
        if (t != null && t.isStructStart() && context.getParent() != null) {
            context = context.getParent();
        }
        return context.pathAsPointer().toString();
    }

    /** The JSON Pointer of a Jackson path: {@code /products/0/defaultPasswordPolicy}. */
    public static String pointer(List<JacksonException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref :
                path == null ? Collections.<JacksonException.Reference>emptyList() : path) {
            if (ref.getPropertyName() != null) {
                sb.append('/').append(escape(ref.getPropertyName()));
            } else if (ref.getIndex() >= 0) {
                sb.append('/').append(ref.getIndex());
            }
        }
        return sb.toString();
    }

    static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
