package io.kakunin.service.web;

import io.kakunin.kb.input.InputFault;
import io.kakunin.kb.input.ReadFaults;
import io.kakunin.kb.input.RejectedInputException;
import io.kakunin.service.KakuninProperties;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.SerializableString;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.sym.PropertyNameMatcher;
import tools.jackson.core.util.JsonParserDelegate;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.ArrayType;
import tools.jackson.databind.type.CollectionType;
import tools.jackson.databind.type.MapType;

/**
 * Array sizes are checked while the body is read, not after it has been bound: a request whose
 * {@code products} holds 340,000 empty objects is refused when the parser reaches product 201,
 * before 340,000 products are built and validated, so that refusing costs about what reading the
 * bytes costs. The limits are those of the contract and of the configuration, nothing new:
 *
 * <ul>
 * <li>an array of the contract holds at most its {@code maxItems} (the {@code @Size(max)} it is
 * generated with), and never more than {@code kakunin.limits.max-array-items};</li>
 * <li>an array anywhere in free-form content (a STIX bundle, read as a map) holds at most
 * {@code kakunin.limits.max-array-items}.</li>
 * </ul>
 *
 * The refusal names the array by JSON Pointer, like every other reading error (400).
 *
 * These are limits on what a client sends, so they apply where requests are read, and only
 * there: the JSON message converter reads request bodies with {@link RequestJson}'s mapper, and
 * so does the batch, line by line. Stored records and everything else are read with the
 * service's mapper, which a later change of the limits cannot make unreadable.
 */
@Configuration(proxyBeanMethods = false)
public class ArrayLimits implements WebMvcConfigurer {

    /** The mapper requests are read with: the service's own, plus the array limits and the contract's constraints. */
    public record RequestJson(JsonMapper mapper) {}

    /**
     * The service's mapper with the array limits registered first, so that their deserializers
     * wrap those of the other modules: a set's check for repeated values then buffers only what
     * passed the limit, rather than the whole array before it.
     */
    @Bean
    RequestJson requestJson(JsonMapper json, KakuninProperties properties) {
        JsonMapper.Builder builder = ReadFaults.checkingContract(json.rebuild());
        List<JacksonModule> others = new ArrayList<>();
        builder.withModules(others::add);
        builder.removeAllModules()
                .addModule(module(properties.limits().maxArrayItems()))
                .addModules(others);
        return new RequestJson(builder.build());
    }

    private final ObjectProvider<RequestJson> requests;

    ArrayLimits(ObjectProvider<RequestJson> requests) {
        this.requests = requests;
    }

    /** Request bodies, whatever their type, are read by the JSON converter with the request mapper. */
    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.configureMessageConverters(converter -> {
            if (converter instanceof JacksonJsonHttpMessageConverter json) {
                JsonMapper mapper = requests.getObject().mapper();
                json.registerMappersForType(Object.class, mappers -> {
                    mappers.put(MediaType.APPLICATION_JSON, mapper);
                    mappers.put(new MediaType("application", "*+json"), mapper);
                });
            }
        });
    }

    /** The module that bounds every array read by a mapper. */
    static SimpleModule module(int maxArrayItems) {
        return new SimpleModule("kakunin-array-limits").setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyCollectionDeserializer(
                    DeserializationConfig config,
                    CollectionType type,
                    BeanDescription.Supplier description,
                    ValueDeserializer<?> deserializer) {
                return new Bounded(deserializer, maxArrayItems, maxArrayItems);
            }

            @Override
            public ValueDeserializer<?> modifyArrayDeserializer(
                    DeserializationConfig config,
                    ArrayType type,
                    BeanDescription.Supplier description,
                    ValueDeserializer<?> deserializer) {
                return new Bounded(deserializer, maxArrayItems, maxArrayItems);
            }

            @Override
            public ValueDeserializer<?> modifyMapDeserializer(
                    DeserializationConfig config,
                    MapType type,
                    BeanDescription.Supplier description,
                    ValueDeserializer<?> deserializer) {
                return new FreeForm(deserializer, maxArrayItems);
            }
        });
    }

    /** Too many elements in one array, found while reading it; names the array by JSON Pointer. */
    static final class ArrayTooLongException extends RejectedInputException {

        private static final long serialVersionUID = 1L;

        private final String pointer;

        ArrayTooLongException(JsonParser p, String pointer, int max) {
            super(p, InputFault.of(pointer, InputFault.Kind.TOO_MANY_ELEMENTS, "max", max), Object.class);
            this.pointer = pointer;
        }

        /** Reading on would cost what the limit is there to spare. */
        @Override
        public boolean stopsReading() {
            return true;
        }

        String pointer() {
            return pointer;
        }
    }

    /** A typed array (a list or set of the contract): at most its {@code maxItems}, and the configured cap. */
    static final class Bounded extends DelegatingDeserializer {

        private final int cap;
        private final int max;

        Bounded(ValueDeserializer<?> delegate, int cap, int max) {
            super(delegate);
            this.cap = cap;
            this.max = max;
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new Bounded(delegate, cap, max);
        }

        @Override
        public ValueDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            ValueDeserializer<?> contextual = super.createContextual(ctxt, property);
            ValueDeserializer<?> delegate = contextual instanceof Bounded bounded ? bounded.getDelegatee() : contextual;
            int limit = cap;
            Size size = property == null ? null : property.getAnnotation(Size.class);
            if (size != null) {
                limit = Math.min(limit, size.max());
            }
            return new Bounded(delegate, cap, limit);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            if (!p.hasToken(JsonToken.START_ARRAY)) {
                return _delegatee.deserialize(p, ctxt);
            }
            return _delegatee.deserialize(new Counting(p, p.streamReadContext(), max), ctxt);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt, Object intoValue) {
            if (!p.hasToken(JsonToken.START_ARRAY)) {
                return super.deserialize(p, ctxt, intoValue);
            }
            return super.deserialize(new Counting(p, p.streamReadContext(), max), ctxt, intoValue);
        }
    }

    /** Free-form content (a map of anything): every array in it, at any depth, at most the configured cap. */
    static final class FreeForm extends DelegatingDeserializer {

        private final int cap;

        FreeForm(ValueDeserializer<?> delegate, int cap) {
            super(delegate);
            this.cap = cap;
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new FreeForm(delegate, cap);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            return _delegatee.deserialize(new Counting(p, null, cap), ctxt);
        }
    }

    /**
     * The parser a bounded deserializer reads through: after every step it looks at the array
     * being read (one given array, or, when none is given, whichever array the step is in) and
     * stops the reading as soon as it holds one element too many. A few comparisons per token.
     */
    static final class Counting extends JsonParserDelegate {

        private final TokenStreamContext array;
        private final int max;

        Counting(JsonParser delegate, TokenStreamContext array, int max) {
            super(delegate);
            this.array = array;
            this.max = max;
        }

        private void check() {
            TokenStreamContext context = array;
            if (context == null) {
                context = delegate.streamReadContext();
                if (context != null
                        && delegate.currentToken() != null
                        && delegate.currentToken().isStructStart()) {
                    context = context.getParent();
                }
            }
            if (context != null && context.inArray() && context.getEntryCount() > max) {
                TokenStreamContext parent = context.getParent();
                throw new ArrayTooLongException(
                        delegate, parent == null ? "" : parent.pathAsPointer().toString(), max);
            }
        }

        @Override
        public JsonToken nextToken() {
            JsonToken t = delegate.nextToken();
            check();
            return t;
        }

        @Override
        public JsonToken nextValue() {
            JsonToken t = delegate.nextValue();
            check();
            return t;
        }

        @Override
        public String nextName() {
            String name = delegate.nextName();
            check();
            return name;
        }

        @Override
        public boolean nextName(SerializableString name) {
            boolean matched = delegate.nextName(name);
            check();
            return matched;
        }

        @Override
        public int nextNameMatch(PropertyNameMatcher matcher) {
            int match = delegate.nextNameMatch(matcher);
            check();
            return match;
        }
    }
}
