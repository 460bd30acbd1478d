package io.kakunin.service.assessments;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentBatchLine;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.BatchDetail;
import io.kakunin.api.model.BatchResultLine;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.StoredVerdicts;
import io.kakunin.kb.input.InputFault;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.service.ExecutorConfiguration;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.evaluation.Evaluations;
import io.kakunin.service.evaluation.FailedRecommendations;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.security.Caller;
import io.kakunin.service.storage.Idempotency;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.ArrayLimits;
import io.kakunin.service.web.EvaluationFailures;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.Problems;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/assessments:batch}: NDJSON in, NDJSON out, one result line per input line, in
 * order. The answer is a stream that pulls the request as the client reads the response: a
 * chunk of lines is read, its lines are parsed, validated and evaluated in parallel on all
 * cores, the chunk's verdicts are stored in one transaction, and only then are its result lines
 * written. Memory is bounded by one chunk whatever the batch size; a bad line is answered on
 * its own line with the problem a single request would have got, and a line on which a rule
 * throws is answered 500 {@code evaluation-failed} naming the rule: the batch goes on either way.
 *
 * <p>Each line may carry an {@code idempotencyKey} (an {@code AssessmentBatchLine} of the
 * contract), stored with its record in the chunk's transaction: a line whose key was stored
 * before is answered with that record and stored no second time, so a client can resend any
 * subset of a batch, in any order. The key is a member of the line rather than one derived from a
 * batch header and the line's number because a retry resends only some lines, which renumbers
 * them. The batch takes no Idempotency-Key header (refused before it starts, see
 * {@code web.OperationContract}). A chunk the store fails is answered line by line, each as a
 * single request would be ({@code 503}, saying whether its line may be stored), and the batch
 * goes on with the next chunk.
 */
@Component
class AssessmentBatch {

    private static final Logger log = LoggerFactory.getLogger(AssessmentBatch.class);

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    /** Lines evaluated together and committed together. */
    static final int CHUNK = 64;

    private final ActiveRuleset active;
    private final AssessmentStore store;
    private final AssessmentViews views;
    private final Validator validator;
    private final JsonMapper json;
    /** Lines are requests: read within the request limits (arrays bounded while read). */
    private final JsonMapper requests;

    private final Clock clock;
    private final Problems problems;
    private final int maxLineBytes;
    private final Executor workers;

    AssessmentBatch(
            ActiveRuleset active,
            AssessmentStore store,
            AssessmentViews views,
            Validator validator,
            JsonMapper json,
            ArrayLimits.RequestJson requests,
            Clock clock,
            Problems problems,
            KakuninProperties properties,
            @Qualifier(ExecutorConfiguration.BATCH) Executor workers) {
        this.active = active;
        this.store = store;
        this.views = views;
        this.validator = validator;
        this.json = json;
        this.requests = requests.mapper();
        this.clock = clock;
        this.problems = problems;
        this.maxLineBytes = (int) Math.min(
                Integer.MAX_VALUE - 8, properties.limits().maxBodySize().toBytes());
        this.workers = workers;
    }

    /** The result stream of a batch; nothing is read or evaluated until it is read. */
    InputStreamResource start(InputStreamResource body, Caller caller, Locale locale, BatchDetail detail) {
        InputStream in;
        try {
            in = body.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new InputStreamResource(
                new Results(new Lines(in, maxLineBytes), caller, locale, detail, requestPath(), assessmentsUrl()));
    }

    /**
     * Where stored assessments are fetched, as an absolute URL, so that a line's {@code location}
     * is what a single request's {@code Location} header is (named as {@code PublicUrlFilter}
     * says, never from a caller's Host header). Read while the request is current.
     */
    private static String assessmentsUrl() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes
                ? ServletUriComponentsBuilder.fromCurrentContextPath()
                        .path("/v1/assessments/")
                        .toUriString()
                : "/v1/assessments/";
    }

    /** The batch's own path, the {@code instance} of its lines' problems, as a single request's problem names its path. */
    private static String requestPath() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes servlet
                ? servlet.getRequest().getRequestURI()
                : null;
    }

    /** One line's outcome: a verdict to store (once per key, when it has one), or the problem to report. */
    private record Outcome1(
            int line, String key, AssessmentStore.NewAssessment stored, Assessment verdict, BatchResultLine error) {}

    /** The request a line stands for: the line without its key (the contract holds them to the same members). */
    static AssessmentRequest request(AssessmentBatchLine line) {
        return new AssessmentRequest()
                .assessmentDate(line.getAssessmentDate())
                .organization(line.getOrganization())
                .products(line.getProducts());
    }

    private Outcome1 evaluate(int line, byte[] text, Ruleset ruleset, Caller caller, Locale locale, String path) {
        if (text == null) {
            return failed(
                    line,
                    problems.create(
                            HttpStatus.CONTENT_TOO_LARGE,
                            Problems.PAYLOAD_TOO_LARGE,
                            null,
                            "The line is longer than the limit of " + maxLineBytes + " bytes.",
                            path,
                            Map.of()));
        }
        AssessmentBatchLine read;
        try {
            read = requests.readValue(text, AssessmentBatchLine.class);
        } catch (JacksonException e) {
            return failed(line, problems.unreadable(e, locale, path));
        }
        if (read == null) {
            return failed(
                    line,
                    problems.invalid(List.of(InputFault.of("", InputFault.Kind.BODY_REQUIRED)), false, locale, path));
        }
        Set<ConstraintViolation<AssessmentBatchLine>> violations = validator.validate(read);
        if (!violations.isEmpty()) {
            return failed(line, problems.invalid(problems.faults(violations), false, locale, path));
        }
        AssessmentRequest request = request(read);
        Evaluations.Evaluated<Assessment> evaluated;
        try {
            evaluated = Evaluations.assess(ruleset, request, locale, "POST /v1/assessments:batch, line " + line);
        } catch (InvalidFactsException e) {
            return failed(line, problems.invalid(problems.fields(e), path));
        }
        if (evaluated.failed()) {
            // A rule that throws is the ruleset's fault: this line is answered 500, the others go on.
            EvaluationFailures.Failure failure = evaluated.failure();
            // The same problem a single request gets: which rule, under which revision.
            return failed(line, problems.of(failure.problem(), path));
        }
        Assessment verdict = evaluated.verdict().id(Ids.newId(clock));
        AssessmentRecord record = new AssessmentRecord(
                verdict.getId(),
                verdict.getCreatedAt().toInstant(),
                caller.id(),
                request.getOrganization().getId(),
                verdict.getOverallOutcome().getValue(),
                ruleset.revision(),
                ruleset.version(),
                verdict.getLocale(),
                json.writeValueAsString(request),
                StoredVerdicts.toJson(verdict));
        return new Outcome1(
                line,
                read.getIdempotencyKey(),
                AssessmentStore.NewAssessment.of(record, request, verdict),
                verdict,
                null);
    }

    /** {@link #evaluate}, and should anything else fail on one line, a 500 on that line: the batch goes on. */
    private Outcome1 evaluateSafely(int line, byte[] text, Ruleset ruleset, Caller caller, Locale locale, String path) {
        try {
            return evaluate(line, text, ruleset, caller, locale, path);
        } catch (RuntimeException e) {
            log.error(
                    "Unexpected failure on POST /v1/assessments:batch, line {}: {}; the line was not stored",
                    line,
                    e.getClass().getName());
            return failed(
                    line,
                    problems.create(
                            HttpStatus.INTERNAL_SERVER_ERROR,
                            Problems.INTERNAL_ERROR,
                            null,
                            "The service failed to handle this line; it was not stored. The failure is logged.",
                            path,
                            Map.of()));
        }
    }

    /** A line that is not stored: the status and problem a single request would have been answered with. */
    private Outcome1 failed(int line, ProblemDetail problem) {
        return new Outcome1(line, null, null, null, failure(line, problem));
    }

    private BatchResultLine failure(int line, ProblemDetail problem) {
        return new BatchResultLine().line(line).status(problem.getStatus()).problem(problems.toContract(problem));
    }

    /** The result line of a line stored now, or before under its key (then the record stored then). */
    private BatchResultLine success(
            Outcome1 o, Idempotency.Stored stored, BatchDetail detail, Locale locale, String assessmentsUrl) {
        Assessment verdict = o.verdict();
        if (stored.replayed()) {
            AssessmentRecord earlier = store.find(stored.id())
                    .orElseThrow(() -> new IllegalStateException("the record of a used key is gone: " + stored.id()));
            verdict = views.view(earlier, locale);
        } else {
            verdict.getRuleset().available(true);
        }
        BatchResultLine line = new BatchResultLine()
                .line(o.line())
                .status(201)
                .id(verdict.getId())
                .location(assessmentsUrl + verdict.getId())
                .organizationId(verdict.getOrganizationId())
                .overallOutcome(verdict.getOverallOutcome())
                .counts(verdict.getCounts())
                .failedRecommendationIds(FailedRecommendations.of(verdict.getResults()));
        if (stored.replayed()) {
            line.replayed(true);
        }
        if (detail == BatchDetail.FULL) {
            line.verdict(verdict);
        }
        return line;
    }

    /** The response: result lines produced chunk by chunk as the client reads. */
    private final class Results extends InputStream {

        private final Lines lines;
        private final Caller caller;
        private final Locale locale;
        private final BatchDetail detail;
        private final String path;
        private final String assessmentsUrl;
        private byte[] buffer = new byte[0];
        private int position;
        private boolean done;

        Results(Lines lines, Caller caller, Locale locale, BatchDetail detail, String path, String assessmentsUrl) {
            this.lines = lines;
            this.caller = caller;
            this.locale = locale;
            this.detail = detail;
            this.path = path;
            this.assessmentsUrl = assessmentsUrl;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position >= buffer.length) {
                if (done) {
                    return -1;
                }
                fill();
            }
            int n = Math.min(len, buffer.length - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }

        /** Reads, evaluates, stores and renders the next chunk of lines. */
        private void fill() throws IOException {
            Ruleset ruleset = active.ruleset();
            List<CompletableFuture<Outcome1>> pending = new ArrayList<>(CHUNK);
            while (pending.size() < CHUNK) {
                Lines.Line line = lines.next();
                if (line == null) {
                    done = true;
                    break;
                }
                if (line.blank()) {
                    continue;
                }
                pending.add(CompletableFuture.supplyAsync(
                        () -> evaluateSafely(line.number(), line.bytes(), ruleset, caller, locale, path), workers));
            }
            List<Outcome1> outcomes = new ArrayList<>(pending.size());
            for (CompletableFuture<Outcome1> f : pending) {
                outcomes.add(f.join());
            }
            List<Outcome1> toStore =
                    outcomes.stream().filter(o -> o.stored() != null).toList();
            List<Idempotency.Result> results = storeAll(toStore);
            ByteArrayOutputStream out = new ByteArrayOutputStream(outcomes.size() * 256);
            int next = 0;
            for (Outcome1 o : outcomes) {
                BatchResultLine result;
                if (o.error() != null) {
                    result = o.error();
                } else {
                    Idempotency.Result r = results.get(next++);
                    result = r.refused() != null
                            ? failure(o.line(), problems.of(r.refused(), path))
                            : success(o, r.stored(), detail, locale, assessmentsUrl);
                }
                out.write(json.writeValueAsBytes(result));
                out.write('\n');
            }
            buffer = out.toByteArray();
            position = 0;
        }

        /**
         * Stores a chunk's verdicts. A failure that is not the store's (they are answered per line
         * by the store) fails the chunk's lines with 500: the transaction was rolled back.
         */
        private List<Idempotency.Result> storeAll(List<Outcome1> toStore) {
            try {
                return store.createAll(
                        toStore.stream().map(Outcome1::stored).toList(),
                        toStore.stream().map(Outcome1::key).toList());
            } catch (RuntimeException e) {
                log.error(
                        "Unexpected failure storing a chunk of POST /v1/assessments:batch (lines {} to {}); none was stored",
                        toStore.get(0).line(),
                        toStore.get(toStore.size() - 1).line(),
                        e);
                ApiProblem failed = new ApiProblem(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        Problems.INTERNAL_ERROR,
                        "The service failed to store this line; it was not stored. The failure is logged.");
                return toStore.stream()
                        .map(o -> new Idempotency.Result(null, failed))
                        .toList();
            }
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    /**
     * Lines of the request, each at most the per-request body limit: a longer line is skipped
     * to its end without being held in memory, and reported as too large.
     */
    static final class Lines implements AutoCloseable {

        record Line(int number, byte[] bytes, boolean blank) {}

        private final InputStream in;
        private final int max;
        private final byte[] buffer = new byte[64 * 1024];
        private int length;
        private int position;
        private int number;
        private boolean eof;

        Lines(InputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        /** The next line; null at the end. A line over the limit comes back with null bytes. */
        Line next() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean tooLong = false;
            boolean any = false;
            while (true) {
                if (position >= length) {
                    if (eof || !refill()) {
                        if (!any) {
                            return null;
                        }
                        break;
                    }
                }
                any = true;
                int start = position;
                while (position < length && buffer[position] != '\n') {
                    position++;
                }
                int count = position - start;
                if (!tooLong) {
                    if (line.size() + count > max) {
                        tooLong = true;
                        line = null;
                    } else {
                        line.write(buffer, start, count);
                    }
                }
                if (position < length) {
                    position++;
                    break;
                }
            }
            number++;
            if (tooLong) {
                return new Line(number, null, false);
            }
            byte[] bytes = line.toByteArray();
            return new Line(number, bytes, isBlank(bytes));
        }

        private boolean refill() throws IOException {
            length = in.read(buffer);
            position = 0;
            if (length <= 0) {
                eof = true;
                length = 0;
                return false;
            }
            return true;
        }

        private static boolean isBlank(byte[] bytes) {
            for (byte b : bytes) {
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
