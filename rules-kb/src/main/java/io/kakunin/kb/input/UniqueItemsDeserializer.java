package io.kakunin.kb.input;

import java.util.Collection;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.type.CollectionType;
import tools.jackson.databind.util.TokenBuffer;

/**
 * An array the contract declares {@code uniqueItems} is read into a set; reading it as such
 * would quietly merge a value given twice (or ten thousand times). Here a repeated value is an
 * error, and the array's length is what the contract's {@code maxItems} sees.
 */
public final class UniqueItemsDeserializer extends DelegatingDeserializer {

    public UniqueItemsDeserializer(ValueDeserializer<?> delegate) {
        super(delegate);
    }

    /** Wraps the deserializer of every set. */
    public static ValueDeserializerModifier modifier() {
        return new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyCollectionDeserializer(
                    DeserializationConfig config,
                    CollectionType type,
                    BeanDescription.Supplier description,
                    ValueDeserializer<?> deserializer) {
                return Set.class.isAssignableFrom(type.getRawClass())
                        ? new UniqueItemsDeserializer(deserializer)
                        : deserializer;
            }
        };
    }

    @Override
    protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
        return new UniqueItemsDeserializer(delegate);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) {
        if (!p.hasToken(JsonToken.START_ARRAY)) {
            return _delegatee.deserialize(p, ctxt);
        }
        TokenBuffer buffer = ctxt.bufferAsCopyOfValue(p);
        int elements = 0;
        try (JsonParser counter = buffer.asParserOnFirstToken(ctxt)) {
            while (counter.nextToken() != JsonToken.END_ARRAY) {
                elements++;
                counter.skipChildren();
            }
        }
        Object value;
        try (JsonParser replay = buffer.asParserOnFirstToken(ctxt)) {
            value = _delegatee.deserialize(replay, ctxt);
        }
        if (value instanceof Collection<?> set && set.size() != elements) {
            throw new RejectedInputException(p, "lists a value more than once; each may appear once", handledType());
        }
        return value;
    }
}
