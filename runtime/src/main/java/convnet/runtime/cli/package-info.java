/**
 * The {@code convnet} command line: {@link convnet.runtime.cli.Main} and one picocli command per
 * subcommand ({@code check}, {@code graph}, {@code gradcheck}, {@code init}, {@code forward},
 * {@code train}, {@code pretrain}, {@code eval}, {@code bench}, {@code compile}, {@code sweep},
 * {@code data}, {@code augment}, {@code filters}, {@code deconv}, the exports), with the options
 * several of them share ({@link convnet.runtime.cli.BatchFlag}, {@link
 * convnet.runtime.cli.ThreadsOption}, {@link convnet.runtime.cli.FileArgs}).
 *
 * <p>A command reads its flags, calls the library packages ({@code model}, {@code train}, {@code
 * data}, {@code run}, {@code see}, {@code sweep}, {@code pretrain}) and prints. Nothing below
 * depends on this package: the library throws {@link convnet.runtime.errors.UserError} (bad files,
 * data or settings) and {@link convnet.runtime.errors.UsageError} (bad flags), and {@code Main}
 * alone maps them to exit statuses 1 and 2, any other exception being an internal error; a message
 * says where and why, never with a stack trace.
 */
package convnet.runtime.cli;
