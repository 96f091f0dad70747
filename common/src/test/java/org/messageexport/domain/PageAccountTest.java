package org.messageexport.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageAccountTest {
    private static final RejectedMessage LONG = new RejectedMessage("x".repeat(600), "too long");

    @Test
    void everyIdRecordedTrackedOrRejected_balances() {
        PageAccount a = PageAccount.of(
                "page", List.of("a", "B", "b", LONG.messageId()), List.of("b", "a"), List.of("B"), List.of(LONG));

        assertThat(a).isEqualTo(new PageAccount(4, 2, 1, 1));
    }

    @Test
    void aRepeatedId_countsAsTrackedAlready() {
        assertThat(PageAccount.of("page", List.of("a", "a", "b"), List.of("a", "b"), List.of(), List.of()))
                .isEqualTo(new PageAccount(3, 2, 1, 0));
    }

    @Test
    void anIdAnInsertIgnored_failsThePage_namingIt() {
        // the seed's case-insensitive key: INSERT IGNORE kept 'Case-A' and dropped 'case-a'
        assertThatThrownBy(() -> PageAccount.of(
                        "page of job 3",
                        List.of("Case-A", "case-a", "z"),
                        List.of("Case-A", "z"),
                        List.of(),
                        List.of()))
                .isInstanceOf(PageAccount.UnaccountedIdsException.class)
                .hasMessage("page of job 3: 1 of 3 ids neither recorded, nor tracked already, nor rejected ['case-a']");
    }

    @Test
    void aRowForAnIdNotOnThePage_failsThePage() {
        // a column that cut the id short (or padded it) holds a row no id of the page names
        assertThatThrownBy(() -> PageAccount.of("page", List.of("abc "), List.of("abc"), List.of(), List.of()))
                .isInstanceOf(PageAccount.UnaccountedIdsException.class)
                .hasMessageContaining("rows recorded for ids not on the page")
                .hasMessageContaining("['abc']");
    }

    @Test
    void anIdCountedTwice_failsThePage() {
        assertThatThrownBy(() -> PageAccount.of("page", List.of("a"), List.of("a"), List.of("a"), List.of()))
                .hasMessage("page: ids counted twice ['a']");
    }

    @Test
    void manyMissingIds_listTheFirst20_andHowManyMore() {
        List<String> ids =
                java.util.stream.IntStream.range(0, 25).mapToObj(i -> "m" + i).toList();
        assertThatThrownBy(() -> PageAccount.of("page", ids, List.of(), List.of(), List.of()))
                .hasMessageContaining("25 of 25 ids")
                .hasMessageContaining("'m19', … 5 more]")
                .hasMessageNotContaining("'m20'");
    }
}
