package org.messageexport.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LambdaInvokeServerTest {

    @Test
    void nameOf_acceptsNamesPartialArnsAndArns_withOrWithoutQualifier() {
        assertThat(LambdaInvokeServer.nameOf("plan-job")).isEqualTo("plan-job");
        assertThat(LambdaInvokeServer.nameOf("plan-job:$LATEST")).isEqualTo("plan-job");
        assertThat(LambdaInvokeServer.nameOf("123456789012:function:plan-job")).isEqualTo("plan-job");
        assertThat(LambdaInvokeServer.nameOf("arn:aws:lambda:us-east-1:123456789012:function:plan-job"))
                .isEqualTo("plan-job");
        assertThat(LambdaInvokeServer.nameOf("arn:aws:lambda:eu-west-1:123456789012:function:plan-job:live"))
                .isEqualTo("plan-job");
    }

    @Test
    void nameOf_rejectsWhatIsNoFunctionReference() {
        assertThatThrownBy(() -> LambdaInvokeServer.nameOf("arn:aws:sqs:us-east-1:123456789012:queue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("arn:aws:sqs");
        assertThatThrownBy(() -> LambdaInvokeServer.nameOf("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serviceException_namesItsErrorTypeAndStatus() {
        assertThat(LambdaServiceException.serviceException("down"))
                .extracting(LambdaServiceException::statusCode, LambdaServiceException::errorType)
                .containsExactly(500, "ServiceException");
        assertThat(LambdaServiceException.tooManyRequests("slow down"))
                .extracting(LambdaServiceException::statusCode, LambdaServiceException::errorType)
                .containsExactly(429, "TooManyRequestsException");
        assertThatThrownBy(() -> new LambdaServiceException(200, "Fine", "no"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
