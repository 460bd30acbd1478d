package io.kakunin.kb.input;

import java.util.Collection;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.type.CollectionType;

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

    /**
     * Reads the array as it comes, without buffering it: the parser's own context of the array
     * counts its elements, and so that a value that cannot be read is named at its place.
     */
    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) {
        if (!p.hasToken(JsonToken.START_ARRAY)) {
            return _delegatee.deserialize(p, ctxt);
        }
        // On its first token the parser is already inside the array: this is the array's context.
        TokenStreamContext array = p.streamReadContext();
        int faults = ReadFaults.count(ctxt);
        Object value = _delegatee.deserialize(p, ctxt);
        int elements = array.getEntryCount();
        // A value that could not be read is left out, not a repetition: only values read are compared.
        if (value instanceof Collection<?> set && set.size() != elements && ReadFaults.count(ctxt) == faults) {
            throw new RejectedInputException(p, InputFault.Kind.REPEATED_VALUE, handledType());
        }
        return value;
    }
}
