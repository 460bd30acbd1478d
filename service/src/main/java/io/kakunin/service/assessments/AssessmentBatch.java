package io.kakunin.service.assessments;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.BatchDetail;
import io.kakunin.api.model.BatchResultLine;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.StoredVerdicts;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.service.ExecutorConfiguration;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.evaluation.Evaluations;
import io.kakunin.service.evaluation.FailedRecommendations;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.security.Caller;
import io.kakunin.service.web.ArrayLimits;
import io.kakunin.service.web.EvaluationFailures;
import io.kakunin.service.web.FieldProblem;
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
 * A batch takes no Idempotency-Key (refused before it starts, see
 * {@code web.OperationContract}): each result line is sent only once its
 * verdict is committed, so a client retries only the lines that got no result line.
 */
@Component
class AssessmentBatch {

    private static final Logger log = LoggerFactory.getLogger(AssessmentBatch.class);

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    /** Lines evaluated together and committed together. */
    static final int CHUNK = 64;

    private final ActiveRuleset active;
    private final AssessmentStore store;
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
            Validator validator,
            JsonMapper json,
            ArrayLimits.RequestJson requests,
            Clock clock,
            Problems problems,
            KakuninProperties properties,
            @Qualifier(ExecutorConfiguration.BATCH) Executor workers) {
        this.active = active;
        this.store = store;
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

    /** One line's outcome: a verdict to store, or the problem to report. */
    private record Outcome1(
            int line, AssessmentStore.NewAssessment stored, Assessment verdict, BatchResultLine error) {}

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
        AssessmentRequest request;
        try {
            request = requests.readValue(text, AssessmentRequest.class);
        } catch (JacksonException e) {
            FieldProblem field = problems.field(e);
            return failed(line, problems.invalid(List.of(field), path));
        }
        if (request == null) {
            return failed(line, problems.invalid(List.of(new FieldProblem("", "a JSON object is required")), path));
        }
        Set<ConstraintViolation<AssessmentRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            return failed(line, problems.invalid(problems.fields(violations), path));
        }
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
        return new Outcome1(line, AssessmentStore.NewAssessment.of(record, request, verdict), verdict, null);
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
        return new Outcome1(
                line,
                null,
                null,
                new BatchResultLine().line(line).status(problem.getStatus()).problem(problems.toContract(problem)));
    }

    private BatchResultLine success(Outcome1 o, BatchDetail detail, String assessmentsUrl) {
        Assessment verdict = o.verdict();
        BatchResultLine line = new BatchResultLine()
                .line(o.line())
                .status(201)
                .id(verdict.getId())
                .location(assessmentsUrl + verdict.getId())
                .organizationId(verdict.getOrganizationId())
                .overallOutcome(verdict.getOverallOutcome())
                .counts(verdict.getCounts())
                .failedRecommendationIds(FailedRecommendations.of(verdict.getResults()));
        if (detail == BatchDetail.FULL) {
            verdict.getRuleset().available(true);
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
            List<AssessmentStore.NewAssessment> stored = new ArrayList<>();
            outcomes.stream().filter(o -> o.stored() != null).forEach(o -> stored.add(o.stored()));
            store.createAll(stored);
            ByteArrayOutputStream out = new ByteArrayOutputStream(outcomes.size() * 256);
            for (Outcome1 o : outcomes) {
                out.write(json.writeValueAsBytes(o.error() != null ? o.error() : success(o, detail, assessmentsUrl)));
                out.write('\n');
            }
            buffer = out.toByteArray();
            position = 0;
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
