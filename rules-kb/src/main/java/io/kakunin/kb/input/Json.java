package io.kakunin.kb.input;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * The JSON mapping of requests and verdicts outside the service (the officers' tools, the
 * fixtures, integrators reading stored records): strict on input, so a misspelt fact is an
 * error rather than a silently missing one and a wrong type is not quietly converted, and without nulls on output.
 */
public final class Json {

    private static final JsonMapper MAPPER = strict(JsonMapper.builder(
                    JsonFactory.builder().inputDecorator(new StrictUtf8()).build()))
            .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private Json() {}

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * The strictness every reader of requests shares (this mapper and the service's): unknown
     * fields, duplicate fields, nulls for primitives and trailing tokens are errors, and no scalar is converted to
     * another type: 7 is not "7", "22" is not 22, true is not "true". No string may carry a
     * control character other than tab, line feed and carriage return, nor half of a surrogate
     * pair (and the bytes must be well-formed UTF-8: {@link StrictUtf8}, installed on the factory); a date or time is a string, never a number; a list declared to hold each value once
     * may not repeat one. Reading goes on past each fault it can step over, so that all are named
     * at once ({@link ReadFaults}).
     */
    public static JsonMapper.Builder strict(JsonMapper.Builder builder) {
        return builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // {"a":1,"a":2} means whatever the reader picks: refuse it rather than pick.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // 1.5 days is not 1 day.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .withCoercionConfig(
                        LogicalType.Textual,
                        text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .addModule(new SimpleModule("kakunin-strict-values")
                        .addDeserializer(String.class, new PlainTextDeserializer())
                        .addDeserializer(java.time.LocalDate.class, new IsoDateDeserializers.Date())
                        .addDeserializer(java.time.OffsetDateTime.class, new IsoDateDeserializers.DateTime())
                        .setDeserializerModifier(UniqueItemsDeserializer.modifier()))
                // Every fault of a request named, not only the first.
                .addModule(ReadFaults.module());
    }
}
