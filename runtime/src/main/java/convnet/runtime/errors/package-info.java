/**
 * The two kinds of failure the user is told about in words: {@link
 * convnet.runtime.errors.UserError} (bad files, data or settings: exit status 1) and {@link
 * convnet.runtime.errors.UsageError} (a bad combination of options: exit status 2). They live below
 * the command line so that the library packages ({@code data}, {@code model}, {@code train}, {@code
 * run}, ...) throw them without depending on {@code cli}, which only maps them to exit statuses.
 */
package convnet.runtime.errors;
