package org.messageexport.adapter.search;

import java.util.Comparator;

/**
 * The engines' order of sort values (as {@code FieldValue._get()} gives them): numbers by value, strings by code
 * point, booleans false first, missing last; values of different kinds by kind.
 */
public final class SortValues {
    private SortValues() {}

    public static final Comparator<Object> ORDER = Comparator.nullsLast(SortValues::compare);

    private static int compare(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return Boolean.compare(x, y);
        }
        return Integer.compare(kind(a), kind(b));
    }

    private static int kind(Object v) {
        if (v instanceof Number) {
            return 0;
        }
        if (v instanceof String) {
            return 1;
        }
        return v instanceof Boolean ? 2 : 3;
    }
}
