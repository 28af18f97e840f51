package io.neuropipe.gateway.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Errors Tomcat answers itself, before a request reaches Spring (an encoded {@code /} in a path,
 * an unparsable request line), as {@code application/problem+json} rather than an HTML page.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    public ProblemErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer out = response.getReporter();
            if (out != null) {
                out.write("{\"type\":\"https://neuropipe.io/problems/" + (status == 404 ? "not-found" : "bad-request")
                    + "\",\"title\":\"Request rejected\",\"status\":" + status
                    + ",\"detail\":\"The server rejected the request before handling it (malformed path or request)\"}");
            }
        } catch (IOException | IllegalStateException e) {
            // the client has gone or the response is committed; nothing left to tell it
        }
    }
}
