package io.kakunin.service.web;

/** One offending field of a request: its JSON Pointer (or parameter name) and what is wrong. */
public record FieldProblem(String pointer, String detail) {}
